// Small, dependency-free helpers of the staff console.
(function () {
  "use strict";
  // "/" focuses the page's search field, as in most consoles; not while typing in a field.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    var search = document.querySelector("[data-search]");
    if (search) { event.preventDefault(); search.focus(); search.select(); }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
  });
  // A sectioned form shows the sections of the chosen criterion only (all of them without a choice or script).
  function showCriterion(select) {
    select.form.querySelectorAll("[data-criterion]").forEach(function (section) {
      section.hidden = Boolean(select.value) && section.getAttribute("data-criterion") !== select.value;
    });
  }
  document.querySelectorAll("form select[name=criterion]").forEach(showCriterion);
  document.addEventListener("change", function (event) {
    if (event.target.matches("form select[name=criterion]")) showCriterion(event.target);
  });
  // Ask before a change that is written to the audit log and the contact history.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
