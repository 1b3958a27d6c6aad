// The registration desk: a badge in the answer prints at once (Chromium with --kiosk-printing
// prints without a dialog), then the field is ready for the next scan. The label chosen is kept
// in this browser, for every form on the page.
const code = document.getElementById("desk-code");
const layout = document.getElementById("desk-layout");

function useLayout(value) {
  document.querySelectorAll('input[type="hidden"][name="layout"]').forEach((input) => {
    input.value = value;
  });
}

if (layout) {
  const remembered = window.localStorage.getItem("desk-layout");
  if (remembered && [...layout.options].some((option) => option.value === remembered)) layout.value = remembered;
  useLayout(layout.value);
  layout.addEventListener("change", () => {
    window.localStorage.setItem("desk-layout", layout.value);
    useLayout(layout.value);
  });
}
window.addEventListener("afterprint", () => code?.focus());
if (document.querySelector("[data-autoprint]")) {
  window.print();
}
// Keyboard first: after a failed form the first field in error (or the error itself) has the
// focus, else what the page marks (the search after a search), else the scan field.
const firstError = document.querySelector('[aria-invalid="true"], [data-error-focus]');
if (firstError) {
  firstError.focus();
} else if (document.querySelector("[data-focus]")) {
  document.querySelector("[data-focus]").focus();
} else if (!document.querySelector(".desk-walk-in[open]")) {
  code?.focus();
}

// The shortcuts the pages list (Alt+letter): an element marked data-shortcut="letter" is clicked
// (a link, a button) or focused (a field). The key's code, not its character, so that a Mac's
// Option+letter (which types a symbol) works too.
document.addEventListener("keydown", (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey || !event.code.startsWith("Key")) return;
  const target = document.querySelector(`[data-shortcut="${event.code.slice(3).toLowerCase()}"]`);
  if (!target) return;
  event.preventDefault();
  if (target.matches("a, button")) {
    target.click();
  } else {
    target.focus();
    target.select?.();
  }
});
