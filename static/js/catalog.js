// The registration form: session rows only for a conference; add rows to the formset from
// its empty template.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var format = document.getElementById("id_delivery_format");
    var fieldset = document.getElementById("sessions-fieldset");
    if (format && fieldset) {
      format.addEventListener("change", function () {
        fieldset.hidden = format.value !== "conference";
      });
    }
    var button = document.getElementById("add-session");
    var template = document.getElementById("session-empty-form");
    var total = document.getElementById("id_sessions-TOTAL_FORMS");
    var list = document.getElementById("session-forms");
    if (!button || !template || !total || !list) return;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = list.lastElementChild.querySelector("input");
      if (first) first.focus();
    });
  });
})();
