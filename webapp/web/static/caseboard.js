/* caseboard on every page: small progressive touches, no inline scripts (the CSP forbids them).
   - each table cell learns its column header (data-label), for the stacked rows on a phone;
   - a select with data-fills fills another field from its option's data-value
     (the tile page proposes a review date for the chosen stage);
   - an error summary takes the focus, so a screen reader hears it first. */
(function () {
  "use strict";

  function labelCells(table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) { return; }
    var names = Array.prototype.map.call(heads, function (th) { return th.textContent.trim(); });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (!cell.hasAttribute("data-label") && names[column] !== undefined) {
          cell.setAttribute("data-label", names[column]);
        }
        column += cell.colSpan || 1;
      });
    });
  }

  function fillFromChoice(select) {
    var target = document.getElementById(select.getAttribute("data-fills"));
    if (!target) { return; }
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      target.value = option.getAttribute("data-value") || "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("main table").forEach(labelCells);
    document.querySelectorAll("select[data-fills]").forEach(fillFromChoice);
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
