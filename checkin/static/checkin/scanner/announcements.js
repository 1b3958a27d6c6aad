// The organisers' announcements on the scanner. The scanner has no socket (it authenticates each
// call with its token and must work offline), so it asks the server every 15 seconds for those of
// its door (checkin/announcements: for everyone, its room's and its workshop's) and keeps the last
// answer in localStorage: offline the banner stays until each one expires. One withdrawn is gone
// from the next answer, so from the banner within 15 seconds.
import { api } from "./api.js";
import { $ } from "./page.js";
import { KEY, store } from "./storage.js";

const POLL = 15000;

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

/** Show the kept announcements at once, then keep them current. */
export function followAnnouncements(url, mayAsk) {
  render();
  const poll = () => (mayAsk() ? refresh(url) : undefined);
  poll();
  setInterval(poll, POLL);
  window.addEventListener("online", poll);
}

/** Unpaired: nothing of the old door's announcements stays. */
export function forgetAnnouncements() {
  shown = [];
  store.remove(KEY.announcements);
  render();
}
