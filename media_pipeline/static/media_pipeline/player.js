// The lecture player: hls.js (our own copy, no CDN) or the browser's native HLS
// (Safari), a quality menu, speed 0.75–2×, captions, keyboard keys, position
// memory, and an "lms:video-progress" event every 15 s with the watched interval
// (the enrollment app listens to it to record progress).
(function () {
  "use strict";
  var SLOW = ["slow-2g", "2g", "3g"];

  function slowConnection() {
    var c = navigator.connection;
    return !!(c && (c.saveData || SLOW.indexOf(c.effectiveType) !== -1));
  }

  function setup(root) {
    var video = root.querySelector("video");
    var src = root.getAttribute("data-src");
    var videoId = root.getAttribute("data-video-id");
    var storageKey = "lms-video-position-" + videoId;
    var quality = root.querySelector("[data-quality]");
    var speed = root.querySelector("[data-speed]");
    var captions = root.querySelector("[data-captions]");
    var hls = null;

    var startAt = parseFloat(root.getAttribute("data-start-at") || "0");
    if (!startAt) {
      try { startAt = parseFloat(localStorage.getItem(storageKey) || "0"); } catch (e) { startAt = 0; }
    }

    if (window.Hls && window.Hls.isSupported()) {
      // captions come from the <track> elements (the master also lists them for other clients)
      hls = new window.Hls({ startLevel: slowConnection() ? 0 : -1, capLevelToPlayerSize: true,
                             enableWebVTT: false, enableCEA708Captions: false,
                             startPosition: startAt > 0 ? startAt : -1 });
      hls.loadSource(src);
      hls.attachMedia(video);
      hls.on(window.Hls.Events.MANIFEST_PARSED, function () {
        hls.levels
          .map(function (level, index) { return { index: index, height: level.height }; })
          .filter(function (level) { return level.height; })  // the audio-only variant is for other clients
          .sort(function (a, b) { return b.height - a.height; })
          .forEach(function (level) {
            var option = document.createElement("option");
            option.value = String(level.index);
            option.textContent = level.height + "p";
            quality.appendChild(option);
          });
      });
      quality.addEventListener("change", function () { hls.currentLevel = parseInt(quality.value, 10); });
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = src;  // Safari: native HLS chooses the quality itself
      quality.parentNode.hidden = true;
      video.addEventListener("loadedmetadata", function () { if (startAt > 0) { video.currentTime = startAt; } },
                             { once: true });
    }

    speed.addEventListener("change", function () { video.playbackRate = parseFloat(speed.value); });

    function showCaption(index) {
      for (var i = 0; i < video.textTracks.length; i++) {
        video.textTracks[i].mode = i === index ? "showing" : "disabled";
      }
    }
    captions.addEventListener("change", function () { showCaption(parseInt(captions.value, 10)); });
    video.addEventListener("loadedmetadata", function () { showCaption(parseInt(captions.value, 10)); });

    // watched intervals, reported every 15 s and on pause/end
    var segmentStart = null;
    function report(reason) {
      if (segmentStart === null) { return; }
      var detail = { videoId: videoId, start: segmentStart, end: video.currentTime,
                     rate: video.playbackRate, duration: video.duration || 0, reason: reason };
      segmentStart = video.paused ? null : video.currentTime;
      try { localStorage.setItem(storageKey, String(video.currentTime)); } catch (e) { /* private mode */ }
      root.dispatchEvent(new CustomEvent("lms:video-progress", { detail: detail, bubbles: true }));
    }
    video.addEventListener("play", function () { segmentStart = video.currentTime; });
    video.addEventListener("pause", function () { report("pause"); });
    video.addEventListener("ended", function () {
      report("ended");
      try { localStorage.removeItem(storageKey); } catch (e) { /* private mode */ }
    });
    video.addEventListener("seeking", function () { if (!video.paused) { report("seek"); } });
    setInterval(function () { if (!video.paused) { report("heartbeat"); } }, 15000);
    window.addEventListener("pagehide", function () { if (!video.paused) { report("leave"); } });

    root.addEventListener("keydown", function (event) {
      if (event.target.tagName === "SELECT" || event.target.tagName === "A") { return; }
      var key = event.key.toLowerCase();
      if (key === " " || key === "k") { if (video.paused) { video.play(); } else { video.pause(); } }
      else if (key === "arrowright") { video.currentTime = Math.min(video.duration, video.currentTime + 5); }
      else if (key === "arrowleft") { video.currentTime = Math.max(0, video.currentTime - 5); }
      else if (key === "f") { if (document.fullscreenElement) { document.exitFullscreen(); } else { video.requestFullscreen(); } }
      else if (key === "m") { video.muted = !video.muted; }
      else if (key === "c") { captions.selectedIndex = (captions.selectedIndex + 1) % captions.options.length;
                              captions.dispatchEvent(new Event("change")); }
      else { return; }
      event.preventDefault();
    });
    root.tabIndex = 0;
    root.lmsPlayer = { video: video, hls: hls };
  }

  document.querySelectorAll("[data-video-player]").forEach(setup);
})();
