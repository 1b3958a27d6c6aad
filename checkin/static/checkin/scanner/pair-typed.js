// The page after a typed pairing code (/scan/koppel/): the server has exchanged the code for this
// phone's token; keep it the way the scanner does (storage.js) and open the scanner.
import { keepPairing } from "./storage.js";

const root = document.querySelector(".scan-pair");
const data = document.getElementById("pairing-data");

if (root && data) {
  keepPairing(JSON.parse(data.textContent));
  window.location.replace(root.dataset.scanUrl);
}
