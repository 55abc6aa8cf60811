// Widths and other values that CSP keeps out of inline style attributes are set here,
// from data- attributes, through the CSSOM (which the policy allows).
(function () {
  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = el.dataset.width;
    });
    root.querySelectorAll("[data-left]").forEach(function (el) {
      el.style.left = el.dataset.left;
    });
  }
  // Stacked tables (phones) name each value by its column: the header's text, once per cell.
  function labelCells(root) {
    root.querySelectorAll("table.table-stack").forEach(function (table) {
      var names = [];
      table.querySelectorAll("thead th").forEach(function (th) {
        names.push(th.classList.contains("no-label") ? "" : th.textContent.trim());
      });
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        var i = 0;
        Array.prototype.forEach.call(tr.children, function (cell) {
          if (!cell.hasAttribute("data-label") && !cell.hasAttribute("colspan")) {
            cell.setAttribute("data-label", names[i] || "");
          }
          i += cell.colSpan || 1;
        });
      });
    });
  }
  function enhance(root) { applyWidths(root); labelCells(root); }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSettle", function () { enhance(document); });
  // A form marked data-once cannot be sent twice by a double click.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches("form[data-once]")) return;
    if (form.dataset.sent) { evt.preventDefault(); return; }
    form.dataset.sent = "1";
  });
})();
