// Resumable upload with tus-js-client: chunks of 50 MB, retried with backoff when
// the connection drops, resumed from the server's offset (even after a reload:
// tus-js-client remembers unfinished uploads by file fingerprint).
(function () {
  "use strict";
  var form = document.querySelector("[data-tus-upload]");
  if (!form || !window.tus || !window.tus.isSupported) { return; }  // plain form upload still works
  var fileInput = form.querySelector("input[type=file]");
  var titleInput = form.querySelector("input[name=title]");
  var progress = document.querySelector("[data-upload-progress]");
  var bar = progress.querySelector("progress");
  var percent = progress.querySelector("[data-percent]");
  var errorBox = document.querySelector("[data-upload-error]");
  var statusBox = document.querySelector("[data-upload-status]");
  var pauseButton = form.querySelector("[data-pause]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var upload = null;

  function say(box, text) { box.textContent = text; box.hidden = !text; }

  pauseButton.addEventListener("click", function () {
    if (upload) { upload.abort(); say(statusBox, statusBox.dataset.msgPaused); pauseButton.hidden = true; }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    say(errorBox, "");
    var file = fileInput.files[0];
    if (!file) { fileInput.focus(); return; }
    upload = new window.tus.Upload(file, {
      endpoint: form.dataset.endpoint,
      chunkSize: 50 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
      removeFingerprintOnSuccess: true,
      headers: { "X-CSRFToken": csrf },
      metadata: { filename: file.name, title: titleInput.value || file.name },
      onProgress: function (sent, total) {
        var value = Math.floor(sent * 100 / total);
        progress.hidden = false; bar.value = value; percent.textContent = value + "%";
        if (sent === total) { say(statusBox, statusBox.dataset.msgChecking); }
      },
      onShouldRetry: function (error, attempt) {
        var status = error.originalResponse ? error.originalResponse.getStatus() : 0;
        if (status >= 400 && status < 500 && status !== 409 && status !== 423) { return false; }
        say(statusBox, statusBox.dataset.msgResuming);
        return true;
      },
      onError: function (error) {
        var message = statusBox.dataset.msgFailed;
        var response = error.originalResponse;
        if (response) {
          try { message = JSON.parse(response.getBody()).error || message; } catch (e) { /* not JSON */ }
        }
        say(statusBox, ""); say(errorBox, message); pauseButton.hidden = true;
      },
      onSuccess: function (payload) {
        var target = payload && payload.lastResponse && payload.lastResponse.getHeader("Video-Url");
        window.location.href = target || window.location.pathname.replace(/upload\/$/, "");
      }
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) { upload.resumeFromPreviousUpload(previous[0]); }
      pauseButton.hidden = false;
      upload.start();
    });
  });
})();
