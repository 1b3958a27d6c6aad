// The print button of the badge pages (no inline scripts: the CSP forbids them).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", (event) => {
    event.preventDefault();
    window.print();
  });
});
