// One live connection to the server (/ws/programme/, /ws/dashboard/, /ws/netwerk/), for every page
// that follows changes without a reload. The server sends a snapshot on every connect (and again
// when asked: {"type": "snapshot"}), then each change; so whatever a page missed while the socket
// was down, the snapshot after the reconnect puts right.
//
// Every socket also carries the organisers' announcements (`announcement`, `announcement_withdrawn`,
// and the active ones in each snapshot): they are shown in the page's #announcements region
// (events/_announcements.html, aria-live), as plain text, until they expire.
//
// Reconnecting backs off exponentially from 1 s to 30 s, with full jitter (a random wait up to that
// bound), so that a hall full of tablets does not come back at the same moment after a restart.
// The backoff starts again from 1 s only once a snapshot arrived: a server that accepts and then
// closes (no event yet, a broken channel layer) is not hammered.
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;
// Close codes for a right that ended (events.live.RIGHT_ENDED: the organiser logged out, the device
// was revoked) or is refused: reconnecting would be turned away again, so the page says so instead.
const RIGHT_ENDED_CODES = new Set([4401, 4403]);

/**
 * `path`: the socket's path on this host. `handlers`: a function per message type, called with
 * the message (the snapshot first; types without one are ignored). `onState(state)`:
 * "connecting"; "online" once the snapshot is in (the page is current); "offline" while waiting
 * to reconnect (what the page shows may be out of date); "ended" when the server closed the
 * socket because its right ended (no reconnect: the page asks to log in again).
 * `refreshEvery` (ms): also ask for a fresh snapshot that often while connected (0: never).
 */
export function connectLive({ path, handlers, onState = () => {}, refreshEvery = 0 }) {
  if (!("WebSocket" in window)) return; // the page keeps the figures it was rendered with
  let attempt = 0;
  let state = null;
  let refresher = null;

  const report = (next) => {
    if (next !== state) onState((state = next));
  };

  function connect() {
    report("connecting");
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${window.location.host}${path}`);
    socket.addEventListener("open", () => {
      if (refreshEvery) {
        refresher = setInterval(() => {
          if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "snapshot" }));
        }, refreshEvery);
      }
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return; // not ours
      }
      if (!message || typeof message !== "object") return;
      followAnnouncements(message);
      if (Object.prototype.hasOwnProperty.call(handlers, message.type)) handlers[message.type](message);
      // Other parts of the page (another app's section of a dashboard) hear the same socket.
      document.dispatchEvent(new CustomEvent(LIVE_EVENT, { detail: { path, message } }));
      if (message.type === "snapshot") {
        attempt = 0;
        report("online");
      }
    });
    socket.addEventListener("close", (event) => {
      clearInterval(refresher);
      if (RIGHT_ENDED_CODES.has(event.code)) {
        report("ended");
        return;
      }
      report("offline");
      const delay = Math.random() * Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
      attempt += 1;
      setTimeout(connect, delay);
    });
  }

  connect();
}

const LIVE_EVENT = "dld-live-message";

/**
 * Hear the messages of the socket the page already opened on `path` (with connectLive), without
 * a second connection: `handlers` as for connectLive. A page section of another app uses this.
 */
export function followLive(path, handlers) {
  document.addEventListener(LIVE_EVENT, (event) => {
    const { path: from, message } = event.detail;
    if (from === path && Object.prototype.hasOwnProperty.call(handlers, message.type)) handlers[message.type](message);
  });
}

/**
 * A dashboard section of its own (see events/dashboard.py): `render(figures)` with the snapshot's
 * `stats[key]` and with each `type` event's `message[type]` (the section's figures, whole).
 */
export function followSection(path, key, type, render) {
  followLive(path, {
    snapshot(message) {
      if (message.stats && message.stats[key]) render(message.stats[key]);
    },
    [type](message) {
      render(message[type]);
    },
  });
}

// Announcements.

const expiryTimers = new Map();

// The attendee's own page names the workshops they have a seat in: a workshop's announcement shows
// there only for its attendees. Elsewhere (programme, wall, dashboards) it shows with its title.
function concernsThisPage(announcement) {
  const mine = document.querySelector("[data-my-workshops]");
  if (!announcement.workshop || !mine) return true;
  return mine.dataset.myWorkshops.split(/\s+/).includes(String(announcement.workshop));
}

function removeAnnouncement(id) {
  document.querySelectorAll(`[data-announcement="${Number(id)}"]`).forEach((element) => element.remove());
  clearTimeout(expiryTimers.get(id));
  expiryTimers.delete(id);
}

function showAnnouncement(region, announcement) {
  removeAnnouncement(announcement.id);
  const left = Date.parse(announcement.expires_at) - Date.now();
  if (!(left > 0) || !concernsThisPage(announcement)) return;
  const line = document.createElement("p");
  line.className = "announcement";
  line.dataset.announcement = String(announcement.id);
  line.dataset.workshop = announcement.workshop ? String(announcement.workshop) : "";
  if (announcement.workshop_title) {
    const title = document.createElement("strong");
    title.textContent = `${announcement.workshop_title}:`;
    line.append(title, " ");
  }
  line.append(announcement.text); // a text node: never read as HTML
  region.prepend(line);
  // setTimeout holds at most about 24 days; announcements last two at most.
  expiryTimers.set(announcement.id, setTimeout(() => removeAnnouncement(announcement.id), left));
}

function followAnnouncements(message) {
  const region = document.getElementById("announcements");
  if (!region) return;
  if (message.type === "announcement") {
    showAnnouncement(region, message);
  } else if (message.type === "announcement_withdrawn") {
    removeAnnouncement(message.id);
  } else if (message.type === "snapshot" && Array.isArray(message.announcements)) {
    // The snapshot holds every active one: what was withdrawn while the socket was down goes.
    region.querySelectorAll("[data-announcement]").forEach((element) => removeAnnouncement(Number(element.dataset.announcement)));
    [...message.announcements].reverse().forEach((announcement) => showAnnouncement(region, announcement));
  }
}
