// The page behind a pairing QR (/scan/koppel/<code>/): exchange the one-time code for this
// device's token, keep it the way the scanner does (storage.js) and open the scanner.
import { exchangePairingCode } from "./api.js";
import { keepPairing } from "./storage.js";

const root = document.querySelector(".scan-pair");
const form = document.getElementById("pair-form");

async function pair() {
  const status = document.getElementById("pair-status");
  const text = document.getElementById("pair-messages").dataset;
  form.hidden = true;
  let response = null;
  let payload = null;
  try {
    ({ response, payload } = await exchangePairingCode(root.dataset.pairUrl, root.dataset.code));
  } catch (error) {
    response = null;
  }
  if (!response || !response.ok) {
    status.className = "notice warning";
    status.textContent = `${text.failed}: ${(payload && payload.detail) || ""}`;
    form.hidden = !response; // a network error may pass; a used or expired code will not
    return;
  }
  keepPairing(payload);
  status.className = "notice success";
  status.textContent = text.done;
  window.location.replace(root.dataset.scanUrl);
}

if (root && form && root.dataset.code) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    pair();
  });
  pair();
}
