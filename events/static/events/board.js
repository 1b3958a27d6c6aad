// The organisers' planning board: rooms × rounds, a card per workshop. The grid is always drawn
// from the server's state (/api/v1/board): after an apply, after a refusal, and whenever the
// programme's socket says something changed, it is fetched again and drawn whole.
import { connectLive } from "./live-socket.js";

const texts = document.getElementById("board-texts").dataset;
const grid = document.getElementById("board-grid");
const status = document.getElementById("board-status");
let state = null;
let picked = null; // the id of the card picked up with the keyboard
let pending = null; // the change shown in the preview

// --- talking to the API -------------------------------------------------------------------

function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

async function call(method, path, body) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(`/api/v1/${path}`, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let answer = {};
  try {
    answer = await response.json();
  } catch (error) {
    answer = {};
  }
  return { ok: response.ok, status: response.status, answer };
}

function problem(answer) {
  const messages = Object.values(answer.errors || {}).flat();
  return messages.length ? messages.join(" ") : answer.detail || "";
}

function say(text, failed = false) {
  status.textContent = text;
  status.dataset.failed = failed ? "true" : "false";
}

// --- drawing ------------------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

const byId = (list, id) => list.find((item) => item.id === id);

function cardView(workshop) {
  const room = byId(state.rooms, workshop.room);
  const over = room && workshop.booked > room.capacity;
  const capacity = el("input", {
    type: "number",
    min: "1",
    value: String(workshop.capacity),
    class: "card-capacity",
    id: `capacity-${workshop.id}`,
    "data-capacity-of": String(workshop.id),
  });
  const card = el(
    "div",
    {
      class: `card${picked === workshop.id ? " picked" : ""}${over ? " over" : ""}`,
      draggable: "true",
      tabindex: "0",
      role: "button",
      "aria-pressed": picked === workshop.id ? "true" : "false",
      "data-card": String(workshop.id),
      "data-version": String(workshop.version),
    },
    el("h3", { class: "card-title", text: workshop.title }),
    el("p", { class: "card-speakers", text: workshop.speakers.length ? workshop.speakers.join(", ") : texts.noSpeakers }),
    el(
      "p",
      { class: "card-figures" },
      el("span", { "data-booked": "", text: `${workshop.booked}/${workshop.capacity} ${texts.booked}` }),
      el("span", { text: `${workshop.waitlisted} ${texts.waitlist}` }),
      el("span", { text: `${texts.roomSize} ${workshop.room_capacity}` }),
    ),
    el(
      "p",
      { class: "card-edit" },
      el("label", { for: capacity.id, text: texts.capacity }),
      capacity,
      el("button", { type: "button", class: "secondary small", "data-edit-workshop": String(workshop.id), text: texts.edit }),
    ),
  );
  return card;
}

function render() {
  const focused = document.activeElement;
  const focusKey = focused?.dataset?.card ? `[data-card="${focused.dataset.card}"]`
    : focused?.dataset?.cell ? `[data-cell="${focused.dataset.cell}"]` : null;
  const table = el("table", { class: "board-table" });
  const head = el("tr", {}, el("th", { scope: "col", class: "corner", text: texts.roundLabel }));
  for (const room of state.rooms) {
    head.append(
      el(
        "th",
        { scope: "col", "data-room-head": String(room.id) },
        el("span", { class: "head-name", text: room.name }),
        el("span", { class: "head-meta", text: `${room.capacity} ${texts.places}` }),
        el("button", { type: "button", class: "link-button", "data-edit-room": String(room.id), "aria-label": `${texts.editRoom} ${room.name}`, text: texts.edit }),
      ),
    );
  }
  table.append(el("thead", {}, head));
  const body = el("tbody");
  for (const round of state.rounds) {
    const row = el(
      "tr",
      {},
      el(
        "th",
        { scope: "row", "data-round-head": String(round.id) },
        el("span", { class: "head-name", text: round.label }),
        el("span", { class: "head-meta", text: `${round.starts}–${round.ends}` }),
        el("button", { type: "button", class: "link-button", "data-edit-round": String(round.id), "aria-label": `${texts.editRound} ${round.label}`, text: texts.edit }),
      ),
    );
    for (const room of state.rooms) {
      const here = state.workshops.filter((w) => w.room === room.id && w.round === round.id);
      const cell = el("td", {
        "data-cell": `${room.id}-${round.id}`,
        "data-room": String(room.id),
        "data-round": String(round.id),
        tabindex: "0",
        "aria-label": `${round.label}, ${room.name}${here.length ? "" : `: ${texts.empty}`}`,
        class: here.length ? "filled" : "empty",
      });
      here.forEach((workshop) => cell.append(cardView(workshop)));
      row.append(cell);
    }
    body.append(row);
  }
  table.append(body);
  grid.replaceChildren(table);
  grid.dataset.ready = "true";
  if (focusKey) grid.querySelector(focusKey)?.focus();
}

let dragging = false;
let asks = 0;
let refreshAfterDrag = false;

async function refresh() {
  if (dragging) {
    // Redrawing now would take the dragged card from under the pointer: after the drop.
    refreshAfterDrag = true;
    return;
  }
  const asked = ++asks;
  const { ok, answer } = await call("GET", "board");
  if (asked !== asks) return; // a later answer is on its way (or drawn): never draw an older one
  if (!ok) {
    say(`${texts.failed} ${problem(answer)}`, true);
    return;
  }
  if (dragging) {
    refreshAfterDrag = true;
    return;
  }
  draw(answer);
}

function draw(next) {
  asks += 1; // an answer asked for before this state is older than it
  state = next;
  if (picked && !byId(state.workshops, picked)) picked = null;
  render();
}

let refreshTimer = null;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 50);
}

// After (re)connecting: the state as the server has it now, then the board says it is live.
function resync() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    await refresh();
    grid.dataset.live = "true";
  }, 50);
}

// --- changes: preview, then apply -----------------------------------------------------------

const dialog = document.getElementById("preview-dialog");

function changeFor(workshopId, target) {
  const workshop = byId(state.workshops, workshopId);
  if (!workshop) return null;
  if (target.card !== undefined) {
    const other = byId(state.workshops, target.card);
    if (!other || other.id === workshop.id) return null;
    return { workshop: workshop.id, version: workshop.version, swap_with: other.id, swap_version: other.version };
  }
  if (target.capacity !== undefined) return { workshop: workshop.id, version: workshop.version, capacity: target.capacity };
  if (target.room === workshop.room && target.round === workshop.round) return null;
  return { workshop: workshop.id, version: workshop.version, room: target.room, round: target.round };
}

function describe(change) {
  const workshop = byId(state.workshops, change.workshop);
  if (change.swap_with) {
    return [texts.swapTitle, `“${workshop.title}” ⇄ “${byId(state.workshops, change.swap_with).title}”`];
  }
  if (change.capacity !== undefined) return [texts.capacityTitle, `“${workshop.title}”: ${workshop.capacity} → ${change.capacity}`];
  const room = byId(state.rooms, change.room);
  const round = byId(state.rounds, change.round);
  return [texts.moveTitle, `“${workshop.title}” → ${round.label}, ${room.name}`];
}

async function propose(change) {
  if (!change) return;
  const { ok, answer } = await call("POST", "board/preview", change);
  if (!ok) {
    say(`${texts.failed} ${problem(answer)}`, true);
    return;
  }
  if (answer.stale) {
    say(texts.stale, true);
    await refresh();
    return;
  }
  pending = change;
  const [title, what] = describe(change);
  document.getElementById("preview-title").textContent = title;
  document.getElementById("preview-what").textContent = what;
  const counts = document.getElementById("preview-counts");
  counts.replaceChildren(
    el("li", { "data-count": "mails", text: `${answer.mails} ${texts.mails}` }),
    el("li", { "data-count": "calendar_updates", text: `${answer.calendar_updates} ${texts.calendars}` }),
    el("li", { "data-count": "promoted", text: `${answer.promoted} ${texts.promoted}` }),
  );
  if (answer.released) counts.append(el("li", { "data-count": "released", text: `${answer.released} ${texts.released}` }));
  const conflicts = document.getElementById("preview-conflicts");
  conflicts.replaceChildren(
    ...(answer.conflicts.length
      ? answer.conflicts.map((conflict) =>
          el("li", { class: conflict.blocking ? "blocking" : "warning", "data-conflict": conflict.code },
            el("strong", { text: `${conflict.blocking ? texts.blocking : texts.warning} ` }), conflict.message))
      : [el("li", { class: "none", text: texts.noConflicts })]),
  );
  document.getElementById("preview-apply").disabled = !answer.can_apply;
  dialog.showModal();
}

async function applyPending() {
  const change = pending;
  dialog.close();
  pending = null;
  if (!change) return;
  const { ok, status: code, answer } = await call("POST", "board/apply", change);
  if (ok) {
    draw(answer);
    say(texts.applied);
  } else {
    say(code === 409 && answer.code === "stale_version" ? texts.stale : `${texts.failed} ${problem(answer)}`, true);
    await refresh();
  }
}

document.getElementById("preview-apply").addEventListener("click", applyPending);
document.getElementById("preview-cancel").addEventListener("click", () => {
  pending = null;
  dialog.close();
  refresh();
});
dialog.addEventListener("close", () => {
  pending = null;
});

// --- dragging -----------------------------------------------------------------------------

grid.addEventListener("dragstart", (event) => {
  const card = event.target.closest?.("[data-card]");
  if (!card) return;
  event.dataTransfer.setData("text/plain", card.dataset.card);
  event.dataTransfer.effectAllowed = "move";
  card.classList.add("dragging");
  dragging = true;
});
grid.addEventListener("dragend", (event) => {
  event.target.closest?.("[data-card]")?.classList.remove("dragging");
  dragging = false;
  if (refreshAfterDrag) {
    refreshAfterDrag = false;
    refreshSoon();
  }
});
grid.addEventListener("dragover", (event) => {
  if (event.target.closest?.("[data-cell]")) {
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  }
});
grid.addEventListener("drop", (event) => {
  const cell = event.target.closest?.("[data-cell]");
  if (!cell) return;
  event.preventDefault();
  const id = Number(event.dataTransfer.getData("text/plain"));
  const onto = event.target.closest("[data-card]");
  propose(changeFor(id, targetOf(onto, cell)));
});

function targetOf(card, cell) {
  if (card) return { card: Number(card.dataset.card) };
  return { room: Number(cell.dataset.room), round: Number(cell.dataset.round) };
}

// --- the keyboard ---------------------------------------------------------------------------

function pick(id) {
  picked = id;
  grid.querySelectorAll("[data-card]").forEach((card) => {
    const on = Number(card.dataset.card) === id;
    card.classList.toggle("picked", on);
    card.setAttribute("aria-pressed", on ? "true" : "false");
  });
  grid.classList.toggle("picking", id !== null);
}

grid.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && picked !== null) {
    pick(null);
    say(texts.cancelledPick);
    return;
  }
  if (event.key !== "Enter" && event.key !== " ") return;
  const card = event.target.matches("[data-card]") ? event.target : null;
  const cell = event.target.matches("[data-cell]") ? event.target : null;
  if (!card && !cell) return; // the capacity field and buttons do their own thing
  event.preventDefault();
  if (card && picked === null) {
    pick(Number(card.dataset.card));
    say(texts.picked);
    return;
  }
  if (picked === null) return;
  const id = picked;
  if (card && Number(card.dataset.card) === id) {
    pick(null);
    say(texts.cancelledPick);
    return;
  }
  pick(null);
  propose(changeFor(id, targetOf(card, cell || card.closest("[data-cell]"))));
});

grid.addEventListener("change", (event) => {
  const input = event.target.closest("[data-capacity-of]");
  if (!input) return;
  const capacity = Number(input.value);
  if (!Number.isInteger(capacity) || capacity < 1) {
    input.setAttribute("aria-invalid", "true");
    return;
  }
  input.removeAttribute("aria-invalid");
  propose(changeFor(Number(input.dataset.capacityOf), { capacity }));
});

// --- rooms, rounds and workshops ------------------------------------------------------------

function openForm(kind, item = null) {
  const box = document.getElementById(`${kind}-dialog`);
  const form = box.querySelector("form");
  form.reset();
  form.dataset.id = item ? String(item.id) : "";
  form.querySelector("[data-errors]").textContent = "";
  const heading = box.querySelector("h2");
  heading.textContent = item ? heading.dataset.edit : heading.dataset.new;
  if (kind === "workshop") {
    const options = (list, label) => list.map((x) => el("option", { value: String(x.id), text: label(x) }));
    form.elements.room.replaceChildren(...options(state.rooms, (r) => `${r.name} (${r.capacity})`));
    form.elements.round.replaceChildren(...options(state.rounds, (r) => `${r.label} ${r.starts}–${r.ends}`));
    box.querySelector("[data-new-only]").hidden = Boolean(item);
  }
  if (item) {
    for (const [name, value] of Object.entries(item)) {
      const field = form.elements[name];
      if (field && !(field instanceof RadioNodeList)) field.value = Array.isArray(value) ? value.join(", ") : String(value ?? "");
    }
  } else if (kind === "workshop" && arguments[2]) {
    form.elements.room.value = String(arguments[2].room);
    form.elements.round.value = String(arguments[2].round);
  }
  box.showModal();
}

function formPayload(form) {
  const kind = form.dataset.kind;
  const value = (name) => form.elements[name].value;
  if (kind === "room") return { name: value("name"), capacity: Number(value("capacity")) || 0, directions: value("directions") };
  if (kind === "round") return { label: value("label"), starts: value("starts") || null, ends: value("ends") || null };
  const speakers = value("speakers").split(",").map((name) => name.trim()).filter(Boolean);
  if (form.dataset.id) {
    const workshop = byId(state.workshops, Number(form.dataset.id));
    return { version: workshop.version, title: value("title"), description: value("description"), speakers };
  }
  return {
    title: value("title"),
    description: value("description"),
    speakers,
    room: Number(value("room")),
    round: Number(value("round")),
    capacity: Number(value("capacity")) || 0,
  };
}

document.querySelectorAll(".board-dialog form").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const kind = form.dataset.kind;
    const id = form.dataset.id;
    const path = `board/${kind}s${id ? `/${id}` : ""}`;
    const { ok, answer } = await call(id ? "PATCH" : "POST", path, formPayload(form));
    if (!ok) {
      form.querySelector("[data-errors]").textContent = problem(answer);
      if (answer.code === "stale_version") refresh();
      return;
    }
    form.closest("dialog").close();
    say(texts.saved);
    await refresh();
  });
  form.querySelector("[data-close]").addEventListener("click", () => form.closest("dialog").close());
});

document.querySelectorAll("[data-open]").forEach((button) =>
  button.addEventListener("click", () => openForm(button.dataset.open)),
);
grid.addEventListener("click", (event) => {
  const target = event.target.closest("button");
  if (!target) return;
  if (target.dataset.editRoom) openForm("room", byId(state.rooms, Number(target.dataset.editRoom)));
  if (target.dataset.editRound) openForm("round", byId(state.rounds, Number(target.dataset.editRound)));
  if (target.dataset.editWorkshop) openForm("workshop", byId(state.workshops, Number(target.dataset.editWorkshop)));
});
// Dragging starts on the card, not on its capacity field.
grid.addEventListener("mousedown", (event) => {
  const card = event.target.closest("[data-card]");
  if (card) card.draggable = !event.target.closest("input, button, label");
});

// --- live -----------------------------------------------------------------------------------

connectLive({
  path: "/ws/programme/",
  handlers: { snapshot: resync, workshop: refreshSoon, board: refreshSoon },
  onState: (next) => {
    document.body.dataset.live = next;
    if (next === "offline") {
      grid.dataset.live = "false";
      say(texts.offline, true);
    }
  },
});
refresh();
