// Small behaviours every page may use, declared by data attributes rather than inline
// handlers, so the Content-Security-Policy can forbid inline script everywhere.
//   <select data-autosubmit>  submits its form when it changes
//   <button data-print>       prints the page
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target.closest && event.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.submit();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
})();
