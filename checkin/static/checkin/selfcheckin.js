// The self check-in tablet (templates/checkin/self_checkin.html). The start screen reads a QR
// with the front camera (./qr.js, as the scanner does) and posts it; an answer with a badge
// prints it at once (Chromium with --kiosk-printing prints without a dialog). Every answer goes
// back to the start screen by itself, and a start screen someone began to fill in (or switched
// to another language) is cleared after a while without a touch: the next person finds nothing
// of the previous one.
import { makeDetector, readFrame } from "./qr.js";

const SCAN_INTERVAL = 150;
const BADGE = /^(DLD1:\s*)?[A-Z2-7]{16,64}$/i;

const screen = document.getElementById("self");
let timer = null;

function backToStart() {
  window.location.replace(screen.dataset.startUrl);
}

/** Back to the start after `seconds`, counted again from every touch or key. */
function resetAfter(seconds) {
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(backToStart, seconds * 1000);
  };
  arm();
  ["pointerdown", "keydown", "input"].forEach((name) => document.addEventListener(name, arm, { passive: true }));
}

function whenIdle(seconds) {
  const form = document.getElementById("self-form");
  const touched = () => [...form.querySelectorAll("input[type=text]")].some((input) => input.value.trim());
  const arm = () => {
    clearTimeout(timer);
    if (touched() || "choseLanguage" in screen.dataset) timer = setTimeout(backToStart, seconds * 1000);
  };
  arm();
  ["pointerdown", "keydown", "input"].forEach((name) => document.addEventListener(name, arm, { passive: true }));
}

function note(message) {
  const element = document.getElementById("camera-note");
  element.hidden = !message;
  element.textContent = message || "";
}

async function startCamera() {
  const video = document.getElementById("video");
  const viewport = document.getElementById("viewport");
  const button = document.getElementById("camera-start");
  let detector;
  let stream;
  try {
    detector = await makeDetector(screen.dataset.wasmUrl);
    if (!detector || !navigator.mediaDevices) throw new Error("no QR reader");
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "user" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (error) {
    note(screen.dataset.cameraFailed);
    button.hidden = false;
    return;
  }
  button.hidden = true;
  note("");
  video.srcObject = stream;
  await video.play().catch(() => {});
  viewport.dataset.state = "on";
  let sent = false;
  const scan = async () => {
    const code = await readFrame(detector, video);
    if (code && !sent) {
      if (BADGE.test(code.trim())) {
        sent = true;
        stream.getTracks().forEach((track) => track.stop());
        document.getElementById("self-code").value = code.trim();
        document.getElementById("self-code-form").submit();
        return;
      }
      note(screen.dataset.notABadge);
    }
    setTimeout(scan, SCAN_INTERVAL);
  };
  scan();
}

if (screen) {
  const seconds = Number(screen.dataset.resetSeconds || 0);
  if (seconds) {
    resetAfter(seconds);
  } else if (document.getElementById("self-form")) {
    whenIdle(Number(screen.dataset.idleSeconds || 45));
    document.getElementById("camera-start").addEventListener("click", startCamera);
    startCamera();
  }
  if (document.querySelector("[data-autoprint]")) window.print();
}
