// The door scanner on a volunteer's phone (or an organiser's, logged in): who scans and where,
// pairing and revocation, and the wiring of the other modules of this folder.
//
// - storage.js: what the phone keeps in localStorage (token, check-in list, queue), so that the
//   scanner works and reloads (service worker, checkin/scan-sw.js) without the network.
// - api.js: the calls to the server; checkins.js: a scan online, or judged by decide.js and queued.
// - camera.js, answers.js, search.js, screen.js: what the volunteer sees and does;
//   announcements.js: the organisers' announcements for this door.
// - A paired phone sends its device token (Authorization: Bearer); an organiser's browser its
//   session (with the CSRF token). Without either, the page asks to be paired.
import { followAnnouncements, forgetAnnouncements } from "./announcements.js";
import { setupAnswers, show, showError, showMessage, showRevoked, unstick } from "./answers.js";
import { api, exchangePairingCode, isNetworkTrouble, watchApi } from "./api.js";
import { cameraRunning, setupCamera, startCamera, stopCamera } from "./camera.js";
import { flush, redeem, refreshList, undo } from "./checkins.js";
import { parseCode } from "./codes.js";
import { $, data, text } from "./page.js";
import { render } from "./screen.js";
import { setupSearch } from "./search.js";
import { mode, session } from "./session.js";
import { KEY, forget, forgetEverything, indexList, keepPairing, save, saved, store } from "./storage.js";

const LIST_REFRESH = 60000;
const FLUSH_RETRY = 10000;
const DOOR_RENDER = 15000;

let started = false;

function setOnline(value) {
  if (session.online === value) return;
  session.online = value;
  render();
  if (session.online) flush();
}

async function handleCode(raw) {
  const input = parseCode(raw, data.pairPath, window.location.href);
  if (!input) {
    show({ status: "invalid", attendee: null });
    return;
  }
  if (input.pairing) {
    await pairWith(input.pairing);
    return;
  }
  await session.infoReady;
  if (mode() === "none" || session.revoked) return;
  await redeem(input);
}

// Who is scanning, and where

async function loadInfo() {
  try {
    saved.info = await api(data.scannerUrl);
    save("info");
  } catch (error) {
    if (!isNetworkTrouble(error)) forget("info");
    // Offline: go on with what we knew.
  }
  session.identified = true;
  if (saved.info && saved.info.door) {
    if (store.get(KEY.doorPending, false)) saveDoor();
    else takeDoor(saved.info.door);
  }
}

// Where the device stands (a room, or the entrance) and the steward's override, as the server has them.
function takeDoor(door) {
  saved.room = door.room;
  saved.override = door.override;
  save("room");
  save("override");
  render();
}

function setRoom(value) {
  saved.room = value ? Number(value) : null;
  saved.override = null; // an override was for the old door
  save("room");
  save("override");
  render();
}

function setOverride(value) {
  saved.override = value ? Number(value) : null;
  save("override");
  render();
}

async function saveDoor() {
  if (mode() !== "device") return;
  store.set(KEY.doorPending, true);
  try {
    saved.info = await api(data.scannerUrl, {
      method: "PATCH",
      body: { room: saved.room, workshop: saved.override },
    });
    save("info");
    store.set(KEY.doorPending, false);
    takeDoor(saved.info.door);
  } catch (error) {
    if (isNetworkTrouble(error)) return;
    store.set(KEY.doorPending, false);
    if (error.status !== 401) showError(error);
    loadInfo();
  }
}

// Pairing and revocation

async function pairWith(code) {
  showMessage("warn", text.pairing);
  let exchanged;
  try {
    exchanged = await exchangePairingCode(data.pairUrl, code);
  } catch (error) {
    showMessage("bad", text.pairFailed, text.error);
    return;
  }
  const { response, payload } = exchanged;
  if (!response.ok) {
    showMessage("bad", text.pairFailed, payload && payload.detail);
    return;
  }
  adopt(payload);
  showMessage("ok", `${text.paired} ${payload.device.name}`);
  await boot();
}

function adopt(paired) {
  keepPairing(paired);
  session.revoked = false;
  unstick();
}

function deviceRevoked() {
  if (session.revoked) return;
  session.revoked = true;
  forget("token");
  forget("info");
  forgetAnnouncements();
  stopCamera(false);
  showRevoked();
  render();
}

function unpair() {
  if (!window.confirm(text.confirmUnpair)) return;
  stopCamera();
  forgetEverything();
  window.location.replace(data.scanUrl);
}

// Start

function registerServiceWorker() {
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(data.swUrl, { scope: data.scanUrl }).catch(() => {});
  }
}

async function boot() {
  indexList();
  render();
  session.infoReady = loadInfo();
  await session.infoReady;
  render();
  if (session.revoked || mode() === "none") return;
  refreshList();
  flush();
  if (store.get(KEY.camera, false) && !cameraRunning()) startCamera();
  if (started) return;
  started = true;
  setInterval(refreshList, LIST_REFRESH);
  setInterval(render, DOOR_RENDER); // the session a room's door checks follows the clock
  setInterval(() => {
    if (saved.queue.length) flush();
  }, FLUSH_RETRY);
}

watchApi({ reachable: setOnline, unauthorized: deviceRevoked });
setupAnswers();
setupCamera({ handleCode, mayScan: () => mode() !== "none" && !session.revoked });
$("scan-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("code");
  const value = input.value;
  input.value = "";
  handleCode(value);
  input.focus();
});
setupSearch();
$("door").addEventListener("change", (event) => {
  setRoom(event.target.value);
  saveDoor();
});
$("override").addEventListener("change", (event) => {
  setOverride(event.target.value);
  saveDoor();
});
$("unpair").addEventListener("click", unpair);
window.addEventListener("online", () => {
  session.online = true;
  render();
  refreshList();
  flush();
});
window.addEventListener("offline", () => setOnline(false));
$("undo").addEventListener("click", undo);
registerServiceWorker();
followAnnouncements(data.announcementsUrl, () => mode() !== "none" && !session.revoked);
boot();
