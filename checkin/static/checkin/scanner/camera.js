// The camera: QR codes read by ../qr.js (BarcodeDetector, or the vendored zxing-wasm polyfill);
// back camera, continuous, torch where the camera has one. The same code is ignored for 3 s
// while it stays in view.
import { makeDetector, readFrame } from "../qr.js";
import { unlockAudio } from "./answers.js";
import { $, data, text } from "./page.js";
import { KEY, store } from "./storage.js";

const SAME_CODE_PAUSE = 3000;
const SCAN_INTERVAL = 120;

const video = $("video");
const viewport = $("viewport");
const cameraButton = $("camera-toggle");
const torchButton = $("torch");
let stream = null;
let detector = null;
let scanTimer = null;
let lastCode = "";
let lastCodeAt = 0;
let onCode = () => {};

export const cameraRunning = () => stream !== null;

function cameraState(state) {
  viewport.dataset.state = state;
  $("camera-hint").textContent =
    state === "on" ? text.cameraOn : state === "starting" ? text.cameraStarting : text.cameraOff;
  cameraButton.textContent = state === "off" ? text.startCamera : text.stopCamera;
}

function cameraNote(message) {
  const note = $("camera-note");
  note.hidden = !message;
  note.textContent = message || "";
}

export async function startCamera() {
  unlockAudio();
  if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    cameraNote(text.cameraInsecure);
    return;
  }
  cameraState("starting");
  cameraNote("");
  try {
    detector = detector || (await makeDetector(data.wasmUrl));
    if (!detector) {
      cameraNote(text.cameraUnsupported);
      cameraState("off");
      return;
    }
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (error) {
    stream = null;
    cameraNote(text.cameraDenied);
    cameraState("off");
    return;
  }
  video.srcObject = stream;
  await video.play().catch(() => {});
  const track = stream.getVideoTracks()[0];
  const capabilities = track && track.getCapabilities ? track.getCapabilities() : {};
  torchButton.hidden = !capabilities.torch;
  torchButton.setAttribute("aria-pressed", "false");
  cameraState("on");
  store.set(KEY.camera, true);
  scanTimer = setTimeout(scanFrame, SCAN_INTERVAL);
}

/** `remember`: the camera stays off next time too (false: it was only taken away for now). */
export function stopCamera(remember = true) {
  clearTimeout(scanTimer);
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
  video.srcObject = null;
  torchButton.hidden = true;
  cameraState("off");
  if (remember) store.set(KEY.camera, false);
}

async function scanFrame() {
  if (!stream) return;
  const code = await readFrame(detector, video);
  if (code) seen(code);
  if (stream) scanTimer = setTimeout(scanFrame, SCAN_INTERVAL);
}

function seen(raw) {
  const now = Date.now();
  const repeat = raw === lastCode && now - lastCodeAt < SAME_CODE_PAUSE;
  lastCode = raw;
  lastCodeAt = now; // while the badge stays in view it keeps being ignored
  if (!repeat) onCode(raw);
}

/** `handleCode(raw)` for every code read; `mayScan()` whether the camera may come back on its own. */
export function setupCamera({ handleCode, mayScan }) {
  onCode = handleCode;
  cameraButton.addEventListener("click", () => (stream ? stopCamera() : startCamera()));
  torchButton.addEventListener("click", async () => {
    const track = stream && stream.getVideoTracks()[0];
    if (!track) return;
    const on = torchButton.getAttribute("aria-pressed") !== "true";
    try {
      await track.applyConstraints({ advanced: [{ torch: on }] });
      torchButton.setAttribute("aria-pressed", String(on));
    } catch (error) {
      torchButton.hidden = true;
    }
  });
  document.addEventListener("visibilitychange", () => {
    // The camera is released in the background (battery, and iOS takes it away anyway).
    if (document.hidden && stream) stopCamera(false);
    else if (!document.hidden && !stream && store.get(KEY.camera, false) && mayScan()) startCamera();
  });
}
