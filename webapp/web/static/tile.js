// The tile page: choosing another stage board proposes that stage's usual review date
// (each <option> carries it in data-review); the manager can change it before moving.
(function () {
  "use strict";
  var select = document.getElementById("stage");
  var review = document.getElementById("stage-review");
  if (!select || !review) return;
  select.addEventListener("change", function () {
    review.value = select.options[select.selectedIndex].dataset.review || "";
  });
})();
