// The scanner's screen besides the answer: network and queue, the list, the door, who scans.
import { $, clock, text } from "./page.js";
import { mode, session } from "./session.js";
import { doorAt, plan } from "./door.js";
import { saved } from "./storage.js";

function renderDoors(door, day) {
  const rooms = $("door");
  rooms.replaceChildren(new Option(text.entrance, ""), ...day.rooms.map((room) => new Option(room.name, String(room.id))));
  rooms.value = saved.room === null ? "" : String(saved.room);
  // The override: any session of the day that has not ended (of this room first).
  const now = Date.now();
  const open = day.workshops.filter((w) => now < w.ends);
  const here = open.filter((w) => door.room && w.room === door.room.id);
  const elsewhere = open.filter((w) => !(door.room && w.room === door.room.id));
  const override = $("override");
  override.replaceChildren(
    new Option(text.followClock, ""),
    ...[...here, ...elsewhere].map((w) => new Option(`${w.round}: ${w.title} (${w.roomName}, ${clock(w.starts)})`, String(w.id))),
  );
  override.value = door.override ? String(door.override.id) : "";
  const now_ = doorNow(door);
  if ($("door-now").textContent !== now_) $("door-now").textContent = now_;
}

const span = (w) => `${clock(w.starts)}–${clock(w.ends)}`;

/** "Checking now: …" for the door panel. */
function doorNow(door) {
  if (!door.room && !door.workshop) return text.checksEntrance;
  if (!door.workshop) {
    return door.next ? `${text.noSession}. ${text.nextSession}: ${door.next.title} ${clock(door.next.starts)}` : `${text.noSession}.`;
  }
  const w = door.workshop;
  const how = door.override ? `${text.chosenUntil} ${clock(door.override.ends)}` : text.byClock;
  return `${text.checksNow}: ${w.title} (${w.roomName}, ${span(w)}). ${how}.`;
}

function doorLabel(door) {
  if (door.workshop) return `${door.workshop.title} (${door.workshop.roomName})`;
  if (door.room) return `${door.room.name}: ${text.noSessionShort}`;
  return text.entrance;
}

export function render() {
  const { list, queue, info, duplicates, refused } = saved;
  const day = plan();
  const door = doorAt({ room: saved.room, override: saved.override, day });
  const net = $("net");
  net.dataset.state = session.online ? "online" : "offline";
  net.textContent = session.online ? text.online : text.offline;
  $("queue-count").textContent = String(queue.length);
  $("queue").dataset.count = String(queue.length);
  $("queue-state").textContent = String(queue.length);
  const count = list ? list.people.length : 0;
  $("list-state").textContent = list
    ? `${count} ${count === 1 ? text.person : text.people}, ${text.updatedAt} ${clock(list.generated_at)}`
    : text.listMissing;
  $("door-label").textContent = doorLabel(door);
  $("who").textContent = info && info.device ? info.device.name : (info && info.user) || "";
  // Until the server (or the cache) has told who this is, show the page as it came.
  const paired = !session.identified || (mode() !== "none" && !session.revoked);
  $("setup").hidden = paired;
  document.querySelectorAll(".scan-panel").forEach((panel) => {
    panel.hidden = !paired;
  });
  $("unpair").hidden = mode() !== "device";
  renderDoors(door, day);
  $("duplicates-box").hidden = !duplicates.length;
  $("duplicates").replaceChildren(
    ...duplicates.map((d) => {
      const item = document.createElement("li");
      item.textContent = `${d.name} · ${clock(d.scanned_at)} · ${text.firstAtElsewhere} ${d.first ? clock(d.first) : "?"}`;
      return item;
    }),
  );
  $("refused-box").hidden = !refused.length;
  $("refused").replaceChildren(
    ...refused.map((r) => {
      const item = document.createElement("li");
      item.textContent = `${r.name} · ${clock(r.scanned_at)} · ${r.reason}`;
      return item;
    }),
  );
}
