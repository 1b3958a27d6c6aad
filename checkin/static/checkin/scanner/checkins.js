// A scan's way to the server. Online, the server answers. Without an answer in time the scan is
// judged against the check-in list (decide.js) and queued with its nonce and scan time; the queue
// is sent when the network is back. The server answers a re-sent nonce with its first answer, so
// nothing counts twice. The list is refreshed every minute (main.js).
import { show, showError, showMessage } from "./answers.js";
import { api, isNetworkTrouble, listIfChanged } from "./api.js";
import { decideLocally } from "./decide.js";
import { currentDoor, seatInRound } from "./door.js";
import { $, clock, data, text } from "./page.js";
import { render } from "./screen.js";
import { mode, session } from "./session.js";
import {
  doorOf,
  keepList,
  knownAt,
  mark,
  noteDuplicate,
  noteRefused,
  personOf,
  placeKey,
  save,
  saved,
  unmark,
} from "./storage.js";

const LIST_TIMEOUT = 20000;

let flushing = false;
let last = null; // the last successful check-in, for undo

const newNonce = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

const badgeOf = (item) => (item.secret ? { secret: item.secret } : { reference: item.reference });

// Online the server dates the scan itself (the phone's clock may be off); a queued scan carries the
// time it was made, which the server takes only on the event's day.
const payloadOf = (item, { queued = true } = {}) => ({
  ...badgeOf(item),
  workshop: item.workshop,
  nonce: item.nonce,
  ...(item.admit ? { admit: true } : {}),
  ...(queued ? { scanned_at: item.scanned_at } : {}),
});

function saveQueue() {
  save("queue");
  render();
}

export async function refreshList() {
  if (mode() === "none" || session.revoked) return;
  const asked = Date.now();
  const kept = saved.list;
  let fetched;
  try {
    fetched = await listIfChanged(data.listUrl, kept && kept.etag, { timeout: LIST_TIMEOUT });
  } catch (error) {
    return;
  }
  // Not modified: the list this phone has is the server's still, as of now.
  const list = fetched.list || { ...kept, generated_at: fetched.at };
  keepList({ ...list, etag: fetched.etag }, asked);
  render();
}

/** Send queued scans, oldest first; stop at the first network trouble and try again later. A scan
 * the server will never take (a 4xx other than 401/403, e.g. one dated outside the event's day by a
 * phone with a wrong clock) leaves the queue and is listed under "Not counted" with the reason. */
export async function flush() {
  if (flushing || !saved.queue.length || session.revoked || mode() === "none") return;
  flushing = true;
  try {
    while (saved.queue.length) {
      const item = saved.queue[0];
      let result = null;
      let refusal = null;
      try {
        result = await api(data.redeemUrl, { method: "POST", body: payloadOf(item) });
      } catch (error) {
        // Not now: no network, or no valid login (revoked, session or CSRF cookie gone).
        if (isNetworkTrouble(error) || error.status === 401 || error.status === 403) break;
        refusal = error; // the server will never take this one: retrying would not help
      }
      saved.queue.shift();
      if (refusal) {
        if (item.local_status === "ok") unmark(item.key); // not counted, so not known as in
        noteRefused({
          name: item.name || item.reference || text.unknown,
          scanned_at: item.scanned_at,
          reason: (refusal.payload && refusal.payload.detail) || text.error,
        });
      }
      if (result) {
        if (result.status === "ok" || result.status === "already_checked_in") mark(item.key, result.checked_in_at);
        if (item.local_status === "ok" && result.status !== "ok") {
          noteDuplicate({
            name: result.attendee ? result.attendee.name : item.secret || item.reference,
            status: result.status,
            scanned_at: item.scanned_at,
            first: result.checked_in_at,
          });
        }
      }
      saveQueue();
    }
  } finally {
    flushing = false;
  }
}

/** Check a badge (`{secret}`) or a reference (`{reference}`) in at this phone's door, at the
 * workshop it checks now (door.js). `admit`: "Toch binnenlaten" for someone without a seat here. */
export async function redeem(input, { admit = false } = {}) {
  const door = currentDoor();
  if (door.room && !door.workshop) {
    // A room's door between sessions: nothing to check in to (the entrance is another door).
    const next = door.next ? `${text.nextSession}: ${door.next.title} ${clock(door.next.starts)}` : "";
    showMessage("bad", text.noSession, next);
    return;
  }
  const workshop = door.workshop ? door.workshop.id : null;
  const scannedAt = new Date().toISOString();
  const item = { ...input, workshop, nonce: newNonce(), scanned_at: scannedAt, ...(admit ? { admit: true } : {}) };
  const { hash, person } = await personOf(input);
  item.key = placeKey(hash, workshop);
  item.name = person ? person.name : null; // for the note, should the server refuse it later
  const letIn = () => redeem(input, { admit: true });
  if (session.online) {
    try {
      const result = await api(data.redeemUrl, { method: "POST", body: payloadOf(item, { queued: false }) });
      if (result.status === "ok" || result.status === "already_checked_in") mark(item.key, result.checked_in_at);
      remember(item, result);
      show(result, { admit: letIn });
      flush();
      return;
    } catch (error) {
      if (!isNetworkTrouble(error)) {
        if (error.status !== 401) showError(error);
        return;
      }
    }
  }
  // No answer in time: judge it here, and send it later with the same nonce.
  const result = decideLocally(person, {
    workshop,
    door: doorOf(workshop),
    knownAt: knownAt(item.key),
    scannedAt,
    admit,
  });
  if (result.status === "not_booked") {
    // Where they have a seat this round, from the list.
    const seat = seatInRound(person.workshops, workshop);
    result.booked_elsewhere = seat
      ? { title: seat.title, room: seat.roomName, starts_at: seat.starts, ends_at: seat.ends }
      : null;
  }
  item.local_status = result.status;
  saved.queue.push(item);
  saveQueue();
  if (result.status === "ok") mark(item.key, scannedAt);
  remember(item, result);
  show(result, { offline: true, admit: letIn });
}

function remember(item, result) {
  last = result.status === "ok" ? { item, attendee: result.attendee } : null;
  $("undo").hidden = !last;
}

/** Take back the last check-in: still queued, it is dropped; sent, the server undoes it. */
export async function undo() {
  if (!last) return;
  const { item, attendee } = last;
  last = null;
  $("undo").hidden = true;
  const queued = saved.queue.findIndex((q) => q.nonce === item.nonce);
  if (queued >= 0) {
    saved.queue.splice(queued, 1);
    saveQueue();
    unmark(item.key);
    show({ status: "undone", attendee }, { offline: true });
    return;
  }
  try {
    const result = await api(data.undoUrl, { method: "POST", body: { ...badgeOf(item), workshop: item.workshop } });
    unmark(item.key);
    show(result);
  } catch (error) {
    showMessage("bad", text.undoOffline);
  }
}
