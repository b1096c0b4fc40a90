// Quiz attempt: autosave each question as it changes, and show the server's countdown.
// Without JavaScript the form still works (Save / Next / Submit buttons).
// Each save carries a growing sequence number per question; the server refuses an
// older one that arrives late, so a slow request never overwrites a newer answer.
(function () {
  "use strict";
  var form = document.querySelector("[data-attempt-form]");
  if (!form) { return; }
  var statusBox = document.querySelector("[data-save-status]");
  // form.action would be the buttons named "action"; the attribute is the URL
  var saveUrl = form.getAttribute("action");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timers = {};
  var pending = 0;
  var saves = 0;

  function show(text) { if (statusBox) { statusBox.textContent = text; } }

  function save(fieldset) {
    var position = fieldset.getAttribute("data-question");
    var seqInput = fieldset.querySelector("[data-sequence]");
    var sequence = parseInt(seqInput.value, 10);
    // the next save (or a plain form submit) must carry a higher number than this one
    seqInput.value = String(sequence + 1);
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    fieldset.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (!field.name || field.disabled) { return; }
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) { return; }
      if (field.name === "seq" + position) { body.append(field.name, String(sequence)); return; }
      body.append(field.name, field.value);
    });
    pending += 1;
    fetch(saveUrl, { method: "POST", body: body, credentials: "same-origin",
                         headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json().then(function (data) { return [response, data]; }); })
      .then(function (pair) {
        var data = pair[1];
        if (data.saved) {
          saves += 1;
          if (statusBox) { statusBox.setAttribute("data-saves", String(saves)); }
          show(form.getAttribute("data-saved-text") + " " + data.saved_at);
        } else if (data.code === "time_up" || data.code === "not_live") {
          window.location.assign(data.result_url);
        } else if (data.code !== "stale") {
          show(data.detail);
        }
      })
      .catch(function () {
        show(form.getAttribute("data-offline-text"));
        setTimeout(function () { save(fieldset); }, 3000);
      })
      .finally(function () { pending -= 1; });
  }

  function schedule(fieldset, delay) {
    var key = fieldset.getAttribute("data-question");
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () { save(fieldset); }, delay);
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("[data-question]");
    if (fieldset) { schedule(fieldset, 0); }
  });
  form.addEventListener("input", function (event) {
    var fieldset = event.target.closest("[data-question]");
    if (fieldset && event.target.type === "text") { schedule(fieldset, 800); }
  });

  // Countdown from the server's figure; when it reaches zero the form is submitted for grading.
  var clock = document.querySelector("[data-seconds-left]");
  if (clock) {
    var endsAt = Date.now() + parseInt(clock.getAttribute("data-seconds-left"), 10) * 1000;
    var finished = false;
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      var minutes = Math.floor(left / 60), seconds = left % 60;
      clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left < 60) { clock.parentNode.setAttribute("data-urgent", ""); }
      if (left === 0 && !finished) {
        finished = true;
        show(form.getAttribute("data-time-up-text"));
        var action = document.createElement("input");
        action.type = "hidden"; action.name = "action"; action.value = "finish";
        form.appendChild(action);
        form.submit();
        return;
      }
      setTimeout(tick, 1000);
    };
    tick();
  }
})();
