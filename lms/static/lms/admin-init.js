// Starts Wagtail's admin widgets that Wagtail would start with an inline <script> (refused by the
// Content-Security-Policy): each is rendered as <span hidden data-lms-init="Name" data-lms-args="[...]">
// (lms/wagtail_csp.py) and started here as soon as it enters the document: while the page is parsed
// (in document order, as the inline scripts ran), or later in a modal or a newly added inline form.
// Only the Wagtail initialisers named below can be called; the arguments are JSON data.
(function () {
  "use strict";
  var ALLOWED = /^(?:(?:[A-Z][A-Za-z]*)?Chooser|createTaskChooser|init(?:Date|Time|DateTime)Chooser|InlinePanel|MultipleChooserPanel)$/;

  function start(element) {
    var name = element.getAttribute("data-lms-init");
    element.removeAttribute("data-lms-init");  // once
    var fn = ALLOWED.test(name) ? window[name] : null;
    if (typeof fn !== "function") {
      console.error("admin-init: no initialiser " + name);
      return;
    }
    var args = JSON.parse(element.getAttribute("data-lms-args") || "[]");
    if (element.hasAttribute("data-lms-new")) {
      new (Function.prototype.bind.apply(fn, [null].concat(args)))();
    } else {
      fn.apply(window, args);
    }
  }

  function scan(node) {
    if (node.nodeType !== 1) { return; }
    var found = node.hasAttribute("data-lms-init") ? [node] : [];
    if (node.firstElementChild) { found = found.concat(Array.prototype.slice.call(node.querySelectorAll("[data-lms-init]"))); }
    found.forEach(function (element) {
      try { start(element); } catch (error) { console.error(error); }  // one broken widget leaves the others working
    });
  }

  new MutationObserver(function (records) {
    records.forEach(function (record) { Array.prototype.forEach.call(record.addedNodes, scan); });
  }).observe(document.documentElement, { childList: true, subtree: true });
  scan(document.documentElement);
})();
