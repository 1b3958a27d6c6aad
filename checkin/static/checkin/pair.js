// The page behind a pairing QR: exchange the one-time code for this device's token, keep the
// token in localStorage (the scanner sends it as a bearer token) and open the scanner.
// Same storage keys as scan.js.
(() => {
  "use strict";
  const root = document.querySelector(".scan-pair");
  const form = document.getElementById("pair-form");
  if (!root || !form || !root.dataset.code) return;
  const status = document.getElementById("pair-status");
  const text = document.getElementById("pair-messages").dataset;

  async function pair() {
    form.hidden = true;
    let response;
    let payload = null;
    try {
      response = await fetch(root.dataset.pairUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ code: root.dataset.code }),
        credentials: "omit",
      });
      payload = await response.json().catch(() => null);
    } catch (error) {
      response = null;
    }
    if (!response || !response.ok) {
      status.className = "notice warning";
      status.textContent = `${text.failed}: ${(payload && payload.detail) || ""}`;
      form.hidden = !response; // a network error may pass; a used or expired code will not
      return;
    }
    for (const key of ["dld.scanner.info", "dld.scanner.door-pending"]) localStorage.removeItem(key);
    localStorage.setItem("dld.scanner.token", JSON.stringify(payload.token));
    localStorage.setItem("dld.scanner.door", JSON.stringify(payload.device.workshop));
    status.className = "notice success";
    status.textContent = text.done;
    window.location.replace(root.dataset.scanUrl);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    pair();
  });
  pair();
})();
