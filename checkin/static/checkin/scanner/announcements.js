// The organisers' announcements on the scanner: those of its door (checkin/announcements: for
// everyone, its room's and its workshop's), asked for with the scanner's token, the last answer
// kept in localStorage: offline the banner stays until each one expires. The public programme
// socket (/ws/programme/) says the moment one is posted or withdrawn, and the scanner asks at once
// (its door's filter stays on the server, behind the token); every 15 seconds it asks anyway, for
// a socket that is down or a network that came back.
import { api } from "./api.js";
import { $ } from "./page.js";
import { KEY, store } from "./storage.js";

const POLL = 15000;
const NUDGES = new Set(["announcement", "announcement_withdrawn"]);
const MAX_DELAY_MS = 30000;

let shown = store.get(KEY.announcements, []);
let expiryTimer = null;

const active = () => shown.filter((announcement) => Date.parse(announcement.expires_at) > Date.now());

function render() {
  const region = $("announcements");
  const current = active();
  const lines = current.map((announcement) => {
    const line = document.createElement("p");
    line.className = "announcement";
    line.dataset.announcement = String(announcement.id);
    if (announcement.workshop_title) {
      const title = document.createElement("strong");
      title.textContent = `${announcement.workshop_title}:`;
      line.append(title, " ");
    }
    line.append(announcement.text); // a text node: never read as HTML
    return line;
  });
  // Only a change is written: aria-live reads out what is new, not every poll.
  const before = [...region.children].map((line) => line.outerHTML).join("");
  if (before !== lines.map((line) => line.outerHTML).join("")) region.replaceChildren(...lines);
  clearTimeout(expiryTimer);
  const next = Math.min(...current.map((announcement) => Date.parse(announcement.expires_at)));
  if (Number.isFinite(next)) expiryTimer = setTimeout(render, Math.max(next - Date.now(), 0) + 50);
}

async function refresh(url) {
  try {
    shown = await api(url);
  } catch (error) {
    return; // offline, or not paired (any more): keep what was shown until it expires
  }
  store.set(KEY.announcements, shown);
  render();
}

/** Call `nudge` whenever the programme socket carries an announcement or its withdrawal. */
function listen(nudge) {
  if (!("WebSocket" in window)) return;
  let attempt = 0;
  const connect = () => {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${scheme}//${window.location.host}/ws/programme/`);
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message && message.type === "snapshot") {
        attempt = 0;
        $("announcements").dataset.live = "on"; // told at once from now on (not only by the poll)
      }
      if (message && NUDGES.has(message.type)) nudge();
    });
    // Back off with full jitter, as live-socket.js does: a hall of phones does not come back at once.
    socket.addEventListener("close", () => {
      $("announcements").dataset.live = "off";
      setTimeout(connect, Math.random() * Math.min(MAX_DELAY_MS, 1000 * 2 ** attempt));
      attempt += 1;
    });
  };
  connect();
}

/** Show the kept announcements at once, then keep them current. */
export function followAnnouncements(url, mayAsk) {
  render();
  const poll = () => (mayAsk() ? refresh(url) : undefined);
  poll();
  setInterval(poll, POLL);
  window.addEventListener("online", poll);
  listen(poll);
}

/** Unpaired: nothing of the old door's announcements stays. */
export function forgetAnnouncements() {
  shown = [];
  store.remove(KEY.announcements);
  render();
}
