// The answer to a scan: the whole screen in its colour, a sound and a vibration.
import { $, clock, line, text } from "./page.js";

const answer = $("answer");
let hideTimer = null;
let audio = null;

const toneOf = (status) =>
  ({ ok: "ok", undone: "ok", already_checked_in: "warn", not_checked_in: "warn" })[status] || "bad";

function present(tone, parts, holdMs) {
  answer.dataset.tone = tone;
  answer.replaceChildren(...parts);
  answer.classList.add("shown");
  feedback(tone);
  clearTimeout(hideTimer);
  if (holdMs) hideTimer = setTimeout(hideAnswer, holdMs);
}

function hideAnswer() {
  answer.classList.remove("shown");
  answer.dataset.tone = "none";
}

/** Where someone without a seat here has one this round (`booked_elsewhere`), and the room's places. */
function seatLines(result) {
  const parts = [];
  const seat = result.booked_elsewhere;
  if (seat) {
    const when = `${clock(seat.starts_at)}–${clock(seat.ends_at)}`;
    parts.push(line("answer-detail", `${text.bookedElsewhere}: ${seat.title}, ${seat.room} (${when})`));
  } else if (seat === null) {
    parts.push(line("answer-detail", text.bookedNowhere));
  }
  if (typeof result.room_places_left === "number") {
    parts.push(line("answer-detail", `${text.placesLeft}: ${result.room_places_left}`));
  }
  return parts;
}

function admitButton(admit) {
  const button = document.createElement("button");
  button.type = "button";
  button.id = "admit";
  button.className = "answer-admit";
  button.textContent = text.admit;
  button.addEventListener("click", (event) => {
    event.stopPropagation(); // not the tap that hides the answer
    button.disabled = true;
    admit();
  });
  return button;
}

/** The server's answer to a scan (or the phone's own, `offline`). `admit`: for `not_booked`, what
 * "Toch binnenlaten" does (sends the scan again as a walk-in). */
export function show(result, { offline = false, admit = null } = {}) {
  const tone = toneOf(result.status);
  const parts = [line("answer-status", text[result.status] || text.invalid)];
  if (result.attendee) {
    parts.push(line("answer-name", result.attendee.name));
    parts.push(line("answer-detail", [result.attendee.role_label, result.attendee.municipality].filter(Boolean).join(" · ")));
  }
  if (result.status === "already_checked_in" && result.checked_in_at) {
    parts.push(line("answer-detail", `${text.first} ${clock(result.checked_in_at)}`));
  }
  if (result.status === "replaced" && result.replaced_at) {
    parts.push(line("answer-detail", `${text.replacedAt} ${clock(result.replaced_at)}`));
  }
  if (result.status === "not_booked" || result.status === "room_full") parts.push(...seatLines(result));
  const mayAdmit = result.status === "not_booked" && admit && result.room_places_left !== 0;
  const button = mayAdmit ? admitButton(admit) : null;
  if (button) parts.push(button);
  if (result.walk_in && result.status === "ok") parts.push(line("answer-note", text.letIn));
  else if (result.walkIn) parts.push(line("answer-note", text.walkIn));
  if (offline) parts.push(line("answer-note", text.offlineAnswer));
  present(tone, parts, tone === "ok" ? 2500 : mayAdmit ? 12000 : 5000);
  if (button) button.focus();
}

export function showMessage(tone, message, detail) {
  const parts = [line("answer-status", message)];
  if (detail) parts.push(line("answer-detail", detail));
  present(tone, parts, 5000);
}

export function showError(error) {
  showMessage("bad", (error.payload && error.payload.detail) || text.error);
}

/** The device was revoked: the answer stays (a tap does not hide it) until the phone is paired again. */
export function showRevoked() {
  clearTimeout(hideTimer);
  answer.dataset.tone = "bad";
  answer.replaceChildren(line("answer-status", text.revoked), line("answer-detail", text.revokedText));
  answer.classList.add("shown", "stuck");
  feedback("bad");
}

export function unstick() {
  answer.classList.remove("stuck");
}

/** Browsers play sound only after a tap or key press on the page. */
export function unlockAudio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!audio && Context) audio = new Context();
  if (audio && audio.state === "suspended") audio.resume();
}

function beep(frequency, seconds, delay = 0, type = "sine") {
  if (!audio || audio.state !== "running") return;
  const start = audio.currentTime + delay;
  const oscillator = audio.createOscillator();
  const gain = audio.createGain();
  oscillator.type = type;
  oscillator.frequency.value = frequency;
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.35, start + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + seconds);
  oscillator.connect(gain).connect(audio.destination);
  oscillator.start(start);
  oscillator.stop(start + seconds + 0.02);
}

function feedback(tone) {
  const vibrate = (pattern) => navigator.vibrate && navigator.vibrate(pattern);
  if (tone === "ok") {
    beep(1175, 0.12);
    vibrate(80);
  } else if (tone === "warn") {
    beep(660, 0.12);
    beep(660, 0.12, 0.18);
    vibrate([80, 60, 80]);
  } else {
    beep(196, 0.45, 0, "square");
    vibrate([250, 100, 250]);
  }
}

export function setupAnswers() {
  answer.addEventListener("click", () => {
    if (!answer.classList.contains("stuck")) hideAnswer();
  });
  document.addEventListener("pointerdown", unlockAudio, { passive: true });
  document.addEventListener("keydown", unlockAudio);
}
