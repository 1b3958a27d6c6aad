// What the scanner is right now (nothing of it is kept: see storage.js for what is).
import { saved } from "./storage.js";

export const session = {
  online: navigator.onLine,
  revoked: false,
  identified: false, // the server (or the cache) has told who is scanning
  infoReady: null, // the first answer to "who is scanning": scans typed before it wait for it
};

/** A paired phone ("device"), a logged-in organiser ("staff"), or neither. */
export const mode = () => (saved.token ? "device" : saved.info && saved.info.user ? "staff" : "none");
