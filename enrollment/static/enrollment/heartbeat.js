// Progress for an enrolled learner on a lesson page: records the visit, resumes each
// video where the learner stopped (on any device), and sends the player's
// "lms:video-progress" intervals to the server as heartbeats.
(function () {
  "use strict";
  var script = document.currentScript;
  var lessonId = parseInt(script.getAttribute("data-lesson-id"), 10);
  var csrf = script.getAttribute("data-csrf");

  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    });
  }

  post(script.getAttribute("data-visit-url"), { lesson: lessonId }).then(function (r) { return r.json(); })
    .then(function (data) {
      var positions = data.positions || {};
      document.querySelectorAll("[data-video-player]").forEach(function (root) {
        var saved = positions[root.getAttribute("data-video-id")];
        var video = root.querySelector("video");
        if (!saved || !video) { return; }
        // seek once the player can play: hls.js sets its own start position before that
        var seek = function () { if (video.currentTime < 1 && saved < (video.duration || Infinity) - 1) { video.currentTime = saved; } };
        if (video.readyState >= 3) { seek(); } else { video.addEventListener("canplay", seek, { once: true }); }
      });
    }).catch(function () { /* offline: the player still plays */ });

  document.addEventListener("lms:video-progress", function (event) {
    var d = event.detail;
    if (!(d.end > d.start)) { return; }
    post(script.getAttribute("data-heartbeat-url"), {
      lesson: lessonId, video: parseInt(d.videoId, 10), start: d.start, end: d.end, rate: d.rate
    }, d.reason === "leave").catch(function () { /* a lost heartbeat only delays progress */ });
  });
})();
