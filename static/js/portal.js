/*
 * Small behaviours of the portal's pages, declared with data- attributes instead of inline
 * handlers (onchange=, onclick=), which the Content-Security-Policy forbids:
 * - <select data-submit-on-change data-clear-on-change="ky">: submits its form when changed,
 *   first emptying the named fields (a new form has other periods);
 * - <button data-print>: opens the browser's print dialog.
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("[data-submit-on-change]") || !field.form) {
      return;
    }
    var clear = (field.getAttribute("data-clear-on-change") || "").split(/\s+/);
    clear.forEach(function (name) {
      if (name && field.form.elements[name]) {
        field.form.elements[name].value = "";
      }
    });
    field.form.submit();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
