// My CECs: a conference's CECs are the sum of the sessions ticked; transcripts print.
(function () {
  function sumSessions(box) {
    var total = 0;
    box.querySelectorAll("input[name='sessions']:checked").forEach(function (el) {
      // Tenths, counted as integers so that 0.1 + 0.2 stays 0.3.
      total += Math.round(parseFloat(el.dataset.cec || "0") * 10);
    });
    var field = box.querySelector("#id_credit");
    if (field) field.value = (total / 10).toFixed(1);
  }

  document.addEventListener("change", function (evt) {
    var el = evt.target;
    if (el.matches && el.matches("#course-lookup input[name='sessions']")) {
      sumSessions(el.closest("#course-lookup"));
    }
  });

  // Leaving the number box (to tick a session) fires one more lookup; a session ticked while
  // it was on its way must survive the refresh of the same course.
  var kept = null;
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    if (!target || target.id !== "course-lookup") return;
    var ids = [];
    target.querySelectorAll("input[name='sessions']:checked").forEach(function (el) {
      ids.push(el.value);
    });
    kept = { number: target.dataset.number, ids: ids };
  });
  document.addEventListener("htmx:afterSettle", function () {
    var box = document.getElementById("course-lookup");
    if (!kept || !box) return;
    if (kept.number && box.dataset.number === kept.number && kept.ids.length) {
      box.querySelectorAll("input[name='sessions']").forEach(function (el) {
        if (kept.ids.indexOf(el.value) !== -1) el.checked = true;
      });
      sumSessions(box);
    }
    kept = null;
  });

  // After "Add CECs", focus moves to the new ledger row (announced by the notice above it).
  document.addEventListener("htmx:afterSettle", function () {
    var row = document.querySelector("tr[data-focus-new]");
    if (row) {
      row.removeAttribute("data-focus-new");
      row.focus();
    }
  });

  document.addEventListener("click", function (evt) {
    var el = evt.target.closest ? evt.target.closest("[data-print]") : null;
    if (el) { evt.preventDefault(); window.print(); }
  });
})();
