// Progressive enhancement only: every page works without this file.
// - A form cannot be sent twice by a double click (the server is idempotent anyway).
// - After a refused submission, focus moves to the error summary so keyboard and screen-reader users hear it.
// - A field marked data-show-when="name=value" (the bans box of form 1, the licence class of a driver's
//   certificate, the province of a row in Việt Nam) is shown only while that control has that value; hidden, it is
//   disabled, so it is not sent. Without this file every field shows, with a hint saying when it applies.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") { return; }
  if (form.dataset.sent === "yes") { event.preventDefault(); return; }
  form.dataset.sent = "yes";
});
function applyShowWhen() {
  Array.prototype.forEach.call(document.querySelectorAll("[data-show-when]"), function (field) {
    var rule = field.getAttribute("data-show-when").split("=");
    var control = document.getElementsByName(rule[0])[0];
    if (!control) { return; }
    var shown = control.value === rule[1];
    field.hidden = !shown;
    Array.prototype.forEach.call(field.querySelectorAll("input, select, textarea"), function (input) { input.disabled = !shown; });
  });
}
document.addEventListener("change", function (event) {
  if (event.target && event.target.name) { applyShowWhen(); }
});
document.addEventListener("DOMContentLoaded", function () {
  applyShowWhen();
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
window.addEventListener("pageshow", function () {
  // Coming back through the history cache: the forms may be sent again.
  Array.prototype.forEach.call(document.forms, function (form) { delete form.dataset.sent; });
});
