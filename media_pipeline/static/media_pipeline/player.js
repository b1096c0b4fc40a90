// The lecture player: hls.js (our own copy, no CDN) or the browser's native HLS
// (Safari), a quality menu, speed 0.75–2×, captions, keyboard keys, position
// memory, and an "lms:video-progress" event every 15 s with the watched interval
// (the enrollment app listens to it to record progress).
//
// Light until the learner wants the video: the page shows the poster and a play
// button; hls.js (~160 KB compressed) and the stream are fetched only when the video
// is played (the button, the keyboard, or anything calling video.play()). A player
// rendered with data-load="auto", or inside an element with data-video-load="auto"
// (a learner coming back to a lecture they started), prepares the stream at once,
// except on a slow or data-saving connection. Hovering or focusing the player
// fetches the library ahead of the click.
(function () {
  "use strict";
  var SLOW = ["slow-2g", "2g", "3g"];
  var libraryLoading = null;

  function slowConnection() {
    var c = navigator.connection;
    return !!(c && (c.saveData || SLOW.indexOf(c.effectiveType) !== -1));
  }

  function mediaSourceSupported() {
    var MS = window.ManagedMediaSource || window.MediaSource || window.WebKitMediaSource;
    return !!(MS && typeof MS.isTypeSupported === "function" &&
              MS.isTypeSupported('video/mp4; codecs="avc1.42E01E,mp4a.40.2"'));
  }

  // one <script> for every player of the page; resolves with window.Hls (or null)
  function loadLibrary(url) {
    if (!libraryLoading) {
      libraryLoading = new Promise(function (resolve) {
        if (window.Hls) { resolve(window.Hls); return; }
        var script = document.createElement("script");
        script.src = url;
        script.async = true;
        script.onload = function () { resolve(window.Hls || null); };
        script.onerror = function () { libraryLoading = null; resolve(null); };
        document.head.appendChild(script);
      });
    }
    return libraryLoading;
  }

  function setup(root) {
    var video = root.querySelector("video");
    var src = root.getAttribute("data-src");
    var libraryUrl = root.getAttribute("data-hls-src");
    var videoId = root.getAttribute("data-video-id");
    var storageKey = "lms-video-position-" + videoId;
    var quality = root.querySelector("[data-quality]");
    var speed = root.querySelector("[data-speed]");
    var captions = root.querySelector("[data-captions]");
    var startButton = root.querySelector("[data-start]");
    var useLibrary = mediaSourceSupported();
    var player = { video: video, hls: null, state: "idle" };  // idle -> loading -> ready | failed
    root.lmsPlayer = player;

    var startAt = parseFloat(root.getAttribute("data-start-at") || "0");
    if (!startAt) {
      try { startAt = parseFloat(localStorage.getItem(storageKey) || "0"); } catch (e) { startAt = 0; }
    }

    function fail() {
      player.state = "failed";
      root.classList.add("lms-player-failed");
      var message = root.querySelector("[data-player-error]");
      if (message) { message.hidden = false; }
    }

    function attachLibrary(Hls) {
      if (!Hls || !Hls.isSupported()) { fail(); return; }
      // captions come from the <track> elements (the master also lists them for other clients)
      var hls = new Hls({ startLevel: slowConnection() ? 0 : -1, capLevelToPlayerSize: true,
                          enableWebVTT: false, enableCEA708Captions: false,
                          startPosition: startAt > 0 ? startAt : -1 });
      player.hls = hls;
      hls.on(Hls.Events.MANIFEST_PARSED, function () {
        // the menu lists the renditions (rendered by the server); hls.js numbers them its own way
        var byHeight = {};
        hls.levels.forEach(function (level, index) { if (level.height) { byHeight[level.height] = index; } });
        Array.prototype.forEach.call(quality.options, function (option) {
          if (option.value !== "-1" && !(option.value in byHeight)) { option.remove(); }
        });
        player.levelOfHeight = byHeight;
        applyQuality();
      });
      hls.on(Hls.Events.ERROR, function (event, data) {
        if (!data.fatal) { return; }
        if (data.type === Hls.ErrorTypes.NETWORK_ERROR) { hls.startLoad(); }
        else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) { hls.recoverMediaError(); }
        else { hls.destroy(); fail(); }
      });
      var resume = !video.paused;  // play was pressed while the library was on its way
      hls.on(Hls.Events.MEDIA_ATTACHED, function () {
        if (resume && video.paused) { video.play().catch(function () { /* the learner can press play */ }); }
      });
      hls.loadSource(src);
      hls.attachMedia(video);
      player.state = "ready";
    }

    function applyQuality() {
      if (!player.hls || !player.levelOfHeight) { return; }
      var height = quality.value;
      player.hls.currentLevel = height === "-1" ? -1 : (player.levelOfHeight[height] !== undefined
        ? player.levelOfHeight[height] : -1);
    }

    // fetch and attach the stream; with ``play``, start playing as soon as it can
    function activate(play) {
      if (startButton) { startButton.hidden = true; }
      video.controls = true;
      if (play && video.paused) {
        // called inside the learner's click or key press: the browser allows the playback,
        // which begins once the stream is attached
        var pending = video.play();
        if (pending && pending.catch) { pending.catch(function () { /* stopped, or a later pause */ }); }
      }
      if (player.state !== "idle") { return; }
      player.state = "loading";
      root.classList.add("lms-player-active");
      if (useLibrary) {
        loadLibrary(libraryUrl).then(attachLibrary);
      } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
        video.src = src;  // Safari: native HLS chooses the quality itself
        quality.parentNode.hidden = true;
        video.addEventListener("loadedmetadata", function () { if (startAt > 0) { video.currentTime = startAt; } },
                               { once: true });
        player.state = "ready";
      } else {
        fail();
      }
    }
    player.activate = activate;

    if (startButton) {
      video.controls = false;  // the poster and one big button until the video is wanted
      startButton.hidden = false;
      startButton.addEventListener("click", function () { activate(true); root.focus(); });
    }
    // anything else that plays the element (media keys, a script) brings the stream too
    video.addEventListener("play", function () { if (player.state === "idle") { activate(false); } });
    if (useLibrary && libraryUrl) {
      var prefetch = function () { loadLibrary(libraryUrl); };
      root.addEventListener("pointerenter", prefetch, { once: true });
      root.addEventListener("focusin", prefetch, { once: true });
      root.addEventListener("touchstart", prefetch, { once: true, passive: true });
    }
    var loadAtOnce = root.getAttribute("data-load") === "auto" || !!root.closest("[data-video-load='auto']");
    if (loadAtOnce && !slowConnection()) { activate(false); }

    quality.addEventListener("change", applyQuality);
    speed.addEventListener("change", function () { video.playbackRate = parseFloat(speed.value); });

    function showCaption(index) {
      for (var i = 0; i < video.textTracks.length; i++) {
        video.textTracks[i].mode = i === index ? "showing" : "disabled";
      }
    }
    captions.addEventListener("change", function () { showCaption(parseInt(captions.value, 10)); });
    video.addEventListener("loadedmetadata", function () { showCaption(parseInt(captions.value, 10)); });

    // watched intervals, reported every 15 s and on pause/end/seek. ``lastTime`` is the
    // position before a seek (at "seeking" currentTime is already the target).
    var segmentStart = null;
    var lastTime = 0;
    function report(reason, end) {
      if (segmentStart === null) { return; }
      var detail = { videoId: videoId, start: segmentStart, end: end, rate: video.playbackRate,
                     duration: video.duration || 0, reason: reason };
      segmentStart = video.paused ? null : video.currentTime;
      try { localStorage.setItem(storageKey, String(video.currentTime)); } catch (e) { /* private mode */ }
      root.dispatchEvent(new CustomEvent("lms:video-progress", { detail: detail, bubbles: true }));
    }
    video.addEventListener("timeupdate", function () { if (!video.seeking) { lastTime = video.currentTime; } });
    // counted from when frames really play (a play pressed before the stream is attached waits)
    video.addEventListener("playing", function () { if (segmentStart === null) { segmentStart = video.currentTime; } });
    video.addEventListener("pause", function () { report("pause", video.currentTime); });
    video.addEventListener("ended", function () {
      report("ended", video.currentTime);
      try { localStorage.removeItem(storageKey); } catch (e) { /* private mode */ }
    });
    video.addEventListener("seeking", function () {
      if (!video.paused) { report("seek", lastTime); segmentStart = video.currentTime; }
      lastTime = video.currentTime;
    });
    setInterval(function () { if (!video.paused) { report("heartbeat", video.currentTime); } }, 15000);
    window.addEventListener("pagehide", function () { if (!video.paused) { report("leave", video.currentTime); } });

    root.addEventListener("keydown", function (event) {
      var tag = event.target.tagName;
      if (tag === "SELECT" || tag === "A" || tag === "BUTTON" || tag === "INPUT") { return; }
      var key = event.key.toLowerCase();
      if (key === " " || key === "k") { if (video.paused) { activate(true); } else { video.pause(); } }
      else if (key === "arrowright" && video.duration) { video.currentTime = Math.min(video.duration, video.currentTime + 5); }
      else if (key === "arrowleft" && video.duration) { video.currentTime = Math.max(0, video.currentTime - 5); }
      else if (key === "f") { if (document.fullscreenElement) { document.exitFullscreen(); } else { video.requestFullscreen(); } }
      else if (key === "m") { video.muted = !video.muted; }
      else if (key === "c") { captions.selectedIndex = (captions.selectedIndex + 1) % captions.options.length;
                              captions.dispatchEvent(new Event("change")); }
      else { return; }
      event.preventDefault();
    });
    root.tabIndex = 0;
  }

  document.querySelectorAll("[data-video-player]").forEach(setup);
})();
