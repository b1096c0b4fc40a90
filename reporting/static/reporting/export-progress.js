// Live progress of an export. Without JavaScript the page refreshes itself (a meta
// refresh inside <noscript>); with it, the bar updates every second and the page
// reloads once the file is ready, to show the download link.
(function () {
  var root = document.querySelector("[data-export-job]");
  if (!root) { return; }
  var url = root.getAttribute("data-status-url");
  function tick() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      var bar = root.querySelector("[data-progress]");
      if (bar) { bar.value = s.percent; }
      var label = root.querySelector("[data-percent]");
      if (label) { label.textContent = s.percent + "%"; }
      root.querySelector("[data-status-label]").textContent = s.status_label;
      if (s.finished) { window.location.reload(); } else { setTimeout(tick, 1000); }
    }).catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 1000);
})();
