// Pages for patient portals (site/embed/…). The page reads fully without this script.
//
// 1. Tells the page that frames it how tall it is, on load and whenever the height changes, with
//    window.parent.postMessage({type: "ivig-guide:height", version: 1, height: <whole CSS pixels>,
//    page: "<path of this embed page>"}, "*"). The target is "*" because the content is public:
//    the parent must check event.origin and event.source (see the page "Embedding this guide").
// 2. Shows the "due for review" notice when the page is read after its review date, as review.js
//    does on the guide's own pages.
// It never touches storage or cookies, so it runs in a sandboxed frame.
(function () {
  "use strict";

  var notice = document.querySelector("[data-pg-review-due]");
  if (notice) {
    var due = new Date(notice.getAttribute("data-pg-review-due") + "T00:00:00");
    due.setDate(due.getDate() + 1); // overdue from the day after the due date, as in the build
    if (!isNaN(due) && new Date() >= due) notice.hidden = false;
  }

  if (window.parent === window) return;
  var sent = -1;
  function send() {
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === sent) return;
    sent = height;
    window.parent.postMessage(
      { type: "ivig-guide:height", version: 1, height: height, page: window.location.pathname },
      "*"
    );
  }
  send();
  window.addEventListener("load", send);
  if (typeof ResizeObserver === "function") {
    new ResizeObserver(send).observe(document.body);
  } else {
    window.addEventListener("resize", send);
  }
})();
