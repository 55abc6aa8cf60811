// Widths and other values that CSP keeps out of inline style attributes are set here,
// from data- attributes, through the CSSOM (which the policy allows).
(function () {
  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = el.dataset.width;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { applyWidths(evt.target); });
  // A form marked data-once cannot be sent twice by a double click.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches("form[data-once]")) return;
    if (form.dataset.sent) { evt.preventDefault(); return; }
    form.dataset.sent = "1";
  });
})();
