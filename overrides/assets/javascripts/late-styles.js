// Apply the stylesheets a page loads after its content (hooks/ivig_guide/first_paint.py): they arrive as
// media="print", so they never hold back the first paint, and apply to their own media once loaded.
// The page's inline <style> already lays the page out as they do; without this script, <noscript> links them.
(function () {
  document.querySelectorAll("link[data-pg-media]").forEach(function (link) {
    function apply() {
      link.media = link.getAttribute("data-pg-media");
    }
    if (link.sheet) apply();
    else link.addEventListener("load", apply, { once: true });
  });
})();
