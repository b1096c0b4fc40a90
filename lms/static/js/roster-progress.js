// Live progress for a roster import. Without JavaScript the page refreshes itself
// (a meta refresh inside <noscript>); with it, the bar updates every second and the
// page reloads once the job has finished, to show the errors or the counts.
(function () {
  var root = document.querySelector("[data-roster-job]");
  if (!root) { return; }
  var url = root.getAttribute("data-status-url");
  function tick() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      root.querySelector("[data-progress]").value = s.percent;
      root.querySelector("[data-percent]").textContent = s.percent + "%";
      root.querySelector("[data-status-label]").textContent = s.status_label;
      if (s.finished) { window.location.reload(); } else { setTimeout(tick, 1000); }
    }).catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 1000);
})();
