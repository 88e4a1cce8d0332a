// Show the "due for review" notice when a page is read after its review date,
// even if the site has not been rebuilt since. The page reads fully without it.
(function () {
  var notice = document.querySelector("[data-pg-review-due]");
  if (!notice) return;
  var due = new Date(notice.getAttribute("data-pg-review-due") + "T00:00:00");
  due.setDate(due.getDate() + 1); // overdue from the day after the due date, as in the build
  if (!isNaN(due) && new Date() >= due) notice.hidden = false;
})();
