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
  document.addEventListener("click", function (evt) {
    var el = evt.target.closest ? evt.target.closest("[data-print]") : null;
    if (el) { evt.preventDefault(); window.print(); }
  });
})();
