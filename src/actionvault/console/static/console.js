// Live updates: an element with data-events listens to the console's event stream and asks
// htmx to refresh it (a short pause gathers a burst of events into one refresh). Elements
// that htmx swaps in are bound as they load; a removed element's stream is closed. Without
// EventSource, or while the stream is down, the element's own slow polling keeps it current.
(function () {
  "use strict";
  function listen(element) {
    if (element.getAttribute("data-listening")) return;
    element.setAttribute("data-listening", "yes");
    var source = new EventSource(element.getAttribute("data-events"));
    var waiting = false;
    source.addEventListener("change", function () {
      if (!document.body.contains(element)) {
        source.close();
        return;
      }
      if (waiting) return;
      waiting = true;
      setTimeout(function () {
        waiting = false;
        htmx.trigger(element, "events-changed");
      }, 150);
    });
    document.body.addEventListener("htmx:beforeCleanupElement", function (event) {
      if (event.target === element) source.close();
    });
  }
  function bind(root) {
    if (root.matches && root.matches("[data-events]")) listen(root);
    if (root.querySelectorAll) root.querySelectorAll("[data-events]").forEach(listen);
  }
  function start() {
    if (!window.EventSource || !window.htmx) return;
    htmx.onLoad(bind);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
