// The petition form: show the hour fields that fit the chosen type, and fill the credit
// requested with the suggestion the preview brings back, unless the person typed their own.
(function () {
  function form() { return document.getElementById("petition-form"); }

  function showFieldsForType() {
    var f = form();
    if (!f) return;
    var type = f.querySelector("[name=type]");
    var college = type && type.value === "college";
    var ncca = type && type.value === "ncca";
    var contact = document.getElementById("hours-contact");
    var collegeBox = document.getElementById("hours-college");
    if (contact) contact.hidden = college || ncca;
    if (collegeBox) collegeBox.hidden = !college;
  }

  function applySuggestion() {
    var f = form();
    if (!f) return;
    var credit = f.querySelector("[name=credit_requested]");
    var box = document.querySelector("#petition-preview [data-suggested]");
    if (!credit || !box) return;
    var suggested = box.dataset.suggested;
    if (!suggested) return;
    credit.placeholder = suggested;
    if (credit.value === "" || credit.dataset.autofilled === "1") {
      credit.value = suggested;
      credit.dataset.autofilled = "1";
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var f = form();
    if (!f) return;
    showFieldsForType();
    f.addEventListener("change", function (evt) {
      if (evt.target.name === "type") showFieldsForType();
    });
    f.addEventListener("input", function (evt) {
      if (evt.target.name === "credit_requested") evt.target.dataset.autofilled = "";
    });
    // After a refused submission the page comes back with the suggestion already in the box:
    // it is still the suggestion, so it should follow the hours as before.
    var credit = f.querySelector("[name=credit_requested]");
    var box = document.querySelector("#petition-preview [data-suggested]");
    if (credit && box && credit.value !== "" && credit.value === box.dataset.suggested) {
      credit.dataset.autofilled = "1";
    }
    applySuggestion();
  });
  document.addEventListener("htmx:afterSettle", function (evt) {
    if (evt.target && evt.target.id === "petition-preview") applySuggestion();
  });
})();
