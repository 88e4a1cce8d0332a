// Register the guide's service worker (sw.js at the site root), which keeps the emergency pages and the
// pages the reader opens readable with no network. The page reads fully without it.
(function () {
  if (!("serviceWorker" in navigator) || location.protocol === "file:") return;
  var script = document.currentScript;
  if (!script) return;
  var root = new URL("../../", script.src); // this file is assets/javascripts/offline.js
  navigator.serviceWorker.register(new URL("sw.js", root).href, { scope: root.pathname }).catch(function () {});
})();
