// The draft page's one behaviour: "Approve" stays disabled until every blocking claim has a written
// override reason, and says so. Without JavaScript the fields are `required`, so the browser asks instead.
(function () {
  "use strict";

  function watch(form) {
    var fields = form.querySelectorAll("[data-override]");
    var button = form.querySelector("button[type=submit]");
    var why = form.querySelector("[data-when-missing]");
    if (!fields.length || !button || button.disabled) { return; }
    var ready = why ? why.textContent : "";

    function update() {
      var missing = Array.prototype.some.call(fields, function (f) { return !f.value.trim(); });
      button.disabled = missing;
      if (why) {
        why.textContent = missing ? why.getAttribute("data-when-missing") : ready;
        why.classList.toggle("why-not", missing);
      }
    }

    Array.prototype.forEach.call(fields, function (f) { f.addEventListener("input", update); });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#approve-form").forEach(watch);
  });
})();
