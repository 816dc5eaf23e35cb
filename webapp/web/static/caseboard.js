/* caseboard on every page: small behaviours declared by data attributes rather than inline
   handlers, so the Content-Security-Policy can forbid inline script everywhere.
   - <select data-autosubmit> submits its form when it changes (pages that use it also
     offer a submit button: changing a choice alone should not move a keyboard user on);
   - <button data-print> prints the page (hidden until this script runs);
   - each table cell learns its column header (data-label), for the stacked rows on a phone;
   - a select with data-fills fills another field from its option's data-value
     (the tile page proposes a review date for the chosen stage);
   - an error summary takes the focus, so a screen reader hears it first;
   - a hidden input with data-copy-of keeps the value of the field with that id (the
     printing page's "printed correctly" form sends the label sheet and start used);
   - the header's "Menu" button (hidden until this script runs) shows and hides the
     navigation on a narrow screen, as GOV.UK's header does. */
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
      var value = select.options[select.selectedIndex].getAttribute("data-value") || "";
      if (target.tagName === "FIELDSET") {  /* a Day, Month, Year date input */
        var parts = value ? value.split("-") : ["", "", ""], id = target.id;
        document.getElementById(id + "-day").value = parts[2] ? String(+parts[2]) : "";
        document.getElementById(id + "-month").value = parts[1] ? String(+parts[1]) : "";
        document.getElementById(id + "-year").value = parts[0] || "";
      } else {
        target.value = value;
      }
    });
  }

  /* a case picker: a search box (shown only with JavaScript) narrows its list of codes */
  function filterCases(box) {
    var select = document.getElementById(box.getAttribute("data-filters"));
    if (!select) { return; }
    box.hidden = false;
    box.addEventListener("input", function () {
      var wanted = box.value.trim().toLowerCase(), first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var hit = !wanted || option.textContent.toLowerCase().indexOf(wanted) !== -1;
        option.hidden = !hit;
        option.disabled = !hit;
        if (hit && first === null) { first = option; }
      });
      if (first && select.selectedOptions[0] && select.selectedOptions[0].hidden) { first.selected = true; }
    });
  }

  document.addEventListener("change", function (event) {
    var field = event.target.closest && event.target.closest("[data-autosubmit]");
    if (field && field.form) { field.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });

  function copyValue(hidden) {
    var source = document.getElementById(hidden.getAttribute("data-copy-of"));
    if (!source) { return; }
    var copy = function () { hidden.value = source.value; };
    source.addEventListener("input", copy);
    source.addEventListener("change", copy);
    copy();
  }

  function menuToggle(button) {
    var nav = document.getElementById(button.getAttribute("aria-controls"));
    if (!nav) { return; }
    button.hidden = false;
    nav.classList.add("collapsible");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-copy-of]").forEach(copyValue);
    document.querySelectorAll("button[data-menu-toggle]").forEach(menuToggle);
    document.querySelectorAll("input[data-filters]").forEach(filterCases);
    document.querySelectorAll("button[data-print]").forEach(function (button) {
      button.hidden = false;  /* printing needs the script, so the button does too */
    });
    document.querySelectorAll("main table").forEach(labelCells);
    document.querySelectorAll("select[data-fills]").forEach(fillFromChoice);
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
