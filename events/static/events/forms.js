/* Error summaries (GOV.UK pattern): after a failed submit the summary at the top of the form gets
   the focus, so keyboard and screen reader users start there; its links move the focus into the
   field they name, with the field's label in view. No inline scripts: the CSP forbids them. */
(function () {
  "use strict";

  var FIELDS = "input:not([type=hidden]), select, textarea";

  function fieldFor(target) {
    if (target.matches(FIELDS)) return target;
    return target.querySelector(FIELDS) || target;
  }

  function start() {
    var summary = document.querySelector(".error-summary");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) return;
      event.preventDefault();
      var field = fieldFor(target);
      if (field === target && field.tabIndex < 0 && !field.hasAttribute("tabindex")) {
        field.setAttribute("tabindex", "-1");
      }
      (target.closest(".field, fieldset") || target).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
