// Progressive enhancement only: every page works without this file.
// - A form cannot be sent twice by a double click (the server is idempotent anyway).
// - After a refused submission, focus moves to the error summary so keyboard and screen-reader users hear it.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") { return; }
  if (form.dataset.sent === "yes") { event.preventDefault(); return; }
  form.dataset.sent = "yes";
});
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
window.addEventListener("pageshow", function () {
  // Coming back through the history cache: the forms may be sent again.
  Array.prototype.forEach.call(document.forms, function (form) { delete form.dataset.sent; });
});
