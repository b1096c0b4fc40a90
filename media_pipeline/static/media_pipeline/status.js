// Live transcoding progress on the video page; reloads once the video is ready or failed.
(function () {
  "use strict";
  var root = document.querySelector("[data-video-status]");
  if (!root) { return; }
  var url = root.getAttribute("data-status-url");
  function tick() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      var bar = root.querySelector("[data-progress]");
      if (bar) { bar.value = s.percent; root.querySelector("[data-percent]").textContent = s.percent + "%"; }
      root.querySelector("[data-status-label]").textContent = s.status_label;
      if (s.finished) { window.location.reload(); } else { setTimeout(tick, 1500); }
    }).catch(function () { setTimeout(tick, 5000); });
  }
  setTimeout(tick, 1500);
})();
