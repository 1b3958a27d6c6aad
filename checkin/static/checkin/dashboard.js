// Organisers' dashboard: a snapshot on (re)connect, then live events over /ws/dashboard/
// (events/live-socket.js). Events carry absolute totals where the server has them cheaply, so a
// missed message is corrected by the next one; a fresh snapshot comes after every reconnect and is
// asked for every minute.
// The tables are the source: the chart (uPlot, vendored) only draws what the arrivals table holds.
import { connectLive } from "../events/live-socket.js";
import { clock } from "../events/times.js";

const root = document.querySelector(".dashboard");
const statusLine = document.getElementById("live-status");
const messages = document.getElementById("live-messages").dataset;
const labels = JSON.parse(document.getElementById("dashboard-labels").textContent);
const $ = (id) => document.getElementById(id);
const BLOCK_MS = 5 * 60 * 1000;
const QUIET_MINUTES = 10;
const state = { registered: 0, checked_in: 0, cancelled: 0 };
const arrivals = new Map(); // block start (ms) → count
let chart = null;

const format = (template, values) => template.replace(/\{(\w+)\}/g, (_m, key) => String(values[key] ?? ""));
const number = (value) => (value === null || value === undefined ? labels.unlimited : String(value));

function setStatus(name) {
  statusLine.dataset.state = name;
  statusLine.textContent = messages[name];
  if (name === "ended") {
    // The session is over: the figures stand still until the organiser logs in again.
    statusLine.classList.add("notice", "warning");
    const link = document.createElement("a");
    link.href = messages.loginUrl;
    link.textContent = messages.login;
    statusLine.append(" ", link);
  }
}

function setText(element, value) {
  if (element && value !== undefined && value !== null) element.textContent = String(value);
}

function cell(row, field) {
  return row ? row.querySelector(`[data-field="${field}"]`) : null;
}

function makeRow(values, attributes = {}) {
  const row = document.createElement("tr");
  for (const [name, value] of Object.entries(attributes)) row.setAttribute(name, value);
  for (const [field, value, numeric] of values) {
    const td = document.createElement("td");
    if (field) td.dataset.field = field;
    if (numeric) td.className = "num";
    td.textContent = value;
    row.append(td);
  }
  return row;
}

// Headline figures -----------------------------------------------------------------------
function setHeadline(values) {
  Object.assign(state, values);
  setText($("registered"), state.registered);
  setText($("checked-in"), state.checked_in);
  setText($("not-arrived"), Math.max(state.registered - state.checked_in, 0));
  setText($("cancelled"), state.cancelled);
}

// Outgoing e-mail: counts only, from the snapshot -----------------------------------------
function setOutbox(outbox) {
  const box = $("outbox");
  if (!box || !outbox) return;
  setText(cell(box, "queued"), outbox.queued);
  setText(cell(box, "failed"), outbox.failed);
  box.classList.toggle("warning", outbox.failed > 0);
}

// Arrivals: table and chart ----------------------------------------------------------------
function blockOf(iso) {
  const ms = new Date(iso).getTime();
  return ms - (ms % BLOCK_MS);
}

function chartSeries() {
  const starts = [...arrivals.keys()].sort((a, b) => a - b);
  const xs = [];
  const ys = [];
  if (starts.length) {
    for (let t = starts[0]; t <= starts[starts.length - 1]; t += BLOCK_MS) {
      xs.push(t / 1000);
      ys.push(arrivals.get(t) || 0);
    }
  }
  return [xs, ys];
}

function describeArrivals() {
  const starts = [...arrivals.keys()].sort((a, b) => a - b);
  if (!starts.length) return labels.chart_empty;
  let total = 0;
  let peak = starts[0];
  for (const start of starts) {
    total += arrivals.get(start);
    if (arrivals.get(start) > arrivals.get(peak)) peak = start;
  }
  const last = starts[starts.length - 1];
  return format(labels.chart_summary, {
    total,
    last_time: clock(last),
    last_count: arrivals.get(last),
    peak_time: clock(peak),
    peak_count: arrivals.get(peak),
  });
}

function renderArrivals() {
  const starts = [...arrivals.keys()].sort((a, b) => a - b);
  const body = $("arrivals-rows");
  if (starts.length) {
    body.replaceChildren(...starts.map((start) => makeRow([[null, clock(start)], [null, String(arrivals.get(start)), true]])));
  } else {
    const row = makeRow([[null, labels.chart_empty]]);
    row.firstChild.colSpan = 2;
    body.replaceChildren(row);
  }
  const area = $("arrivals-chart");
  const total = [...arrivals.values()].reduce((a, b) => a + b, 0);
  area.dataset.total = String(total);
  area.setAttribute("aria-label", describeArrivals());
  drawChart();
}

// The time axis: at least an hour wide (no data, or one block, would otherwise give a few
// seconds of axis labelled 00:58 00:58 …), ticks on whole 5-, 10-, 15-, 30- or 60-minute marks.
const MIN_SPAN_S = 60 * 60;
const TICK_STEPS_S = [5, 10, 15, 30, 60, 120, 180, 360].map((m) => m * 60);
const TICK_WIDTH_PX = 48;

// From the data, not uPlot's min and max: for a single point uPlot widens those to a day.
function timeRange(u) {
  const xs = u.data[0];
  const half = BLOCK_MS / 2000;
  let low = xs.length ? xs[0] - half : Math.floor(Date.now() / BLOCK_MS) * (BLOCK_MS / 1000);
  let high = xs.length ? xs[xs.length - 1] + half : low;
  if (high - low < MIN_SPAN_S) {
    const centre = (low + high) / 2;
    low = centre - MIN_SPAN_S / 2;
    high = centre + MIN_SPAN_S / 2;
  }
  return [low, high];
}

function timeSplits(u, _axis, min, max) {
  const room = Math.max(Math.floor(u.bbox.width / devicePixelRatio / TICK_WIDTH_PX), 2);
  const step = TICK_STEPS_S.find((s) => (max - min) / s <= room) || TICK_STEPS_S[TICK_STEPS_S.length - 1];
  const splits = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) splits.push(t);
  return splits;
}

function timeLabels(_u, splits) {
  const values = splits.map((s) => clock(s * 1000));
  $("arrivals-chart").dataset.axis = values.join(" ");
  return values;
}

function drawChart() {
  const area = $("arrivals-chart");
  if (typeof window.uPlot !== "function") return; // the table carries the figures anyway
  const data = chartSeries();
  if (chart) {
    chart.setData(data);
    return;
  }
  const width = Math.max(area.clientWidth, 280);
  const options = {
    width,
    height: 220,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      // Half a block of room on either side, so the first and last bars are whole.
      x: { time: true, range: timeRange },
      y: { range: (_u, _min, max) => [0, Math.max(5, Math.ceil(max * 1.2))] },
    },
    axes: [{ splits: timeSplits, values: timeLabels, space: TICK_WIDTH_PX }, { label: labels.chart_axis }],
    series: [
      {},
      {
        label: labels.chart_axis,
        stroke: "#173f6e",
        fill: "rgba(23, 63, 110, 0.35)",
        paths: window.uPlot.paths.bars({ size: [0.8, 40] }),
        points: { show: false },
      },
    ],
  };
  chart = new window.uPlot(options, data, area);
  // uPlot's canvas is decoration here: the figure's role="img" and aria-label describe it.
  area.querySelectorAll("canvas").forEach((canvas) => canvas.setAttribute("aria-hidden", "true"));
  if ("ResizeObserver" in window) {
    new ResizeObserver(() => chart.setSize({ width: Math.max(area.clientWidth, 280), height: 220 })).observe(area);
  }
}

function addArrival(iso, delta) {
  const block = blockOf(iso);
  const count = (arrivals.get(block) || 0) + delta;
  if (count > 0) arrivals.set(block, count);
  else arrivals.delete(block);
  renderArrivals();
}

// Last scans -------------------------------------------------------------------------------
function scanRow(scan) {
  const time = clock(scan.scanned_at, { withSeconds: true });
  return makeRow([
    [null, time],
    [null, scan.name],
    [null, scan.place || labels.entrance],
    [null, scan.device],
    [null, labels.statuses[scan.status] || scan.status],
  ]);
}

function addScan(scan) {
  const body = $("recent-scans");
  body.prepend(scanRow(scan));
  while (body.rows.length > 20) body.deleteRow(body.rows.length - 1);
}

// Workshops and rounds ---------------------------------------------------------------------
function workshopRow(id) {
  return document.querySelector(`#workshop-rows tr[data-workshop="${id}"]`);
}

function setOccupancy(row) {
  const booked = Number(cell(row, "booked").textContent);
  const capacity = Number(cell(row, "capacity").textContent);
  const share = capacity ? booked / capacity : 0;
  const meter = row.querySelector("meter");
  if (meter) {
    meter.max = capacity || 1;
    meter.low = capacity * 0.7;
    meter.high = capacity * 0.9;
    meter.value = booked;
  }
  setText(row.querySelector(".pct"), `${Math.round(share * 100)} %`);
  const hot = share >= 0.9;
  row.classList.toggle("hot", hot);
  let flag = row.querySelector(".flag");
  if (hot && !flag) {
    flag = document.createElement("strong");
    flag.className = "flag";
    cell(row, "occupancy").append(" ", flag);
  } else if (!hot && flag) {
    flag.remove();
  }
  if (hot) flag.textContent = capacity && booked >= capacity ? labels.full : labels.almost_full;
}

// The highest revision heard per workshop: two server processes send their events each in their
// own time, so an older workshop event can arrive after a newer one.
const revisions = new Map();

// Of a workshop's seat figures (from an event or a snapshot), only the ones not older than those shown.
function newSeats(workshop) {
  if (workshop.revision < (revisions.get(workshop.id) ?? -1)) return null;
  revisions.set(workshop.id, workshop.revision);
  return workshop;
}

function setWorkshop(id, values) {
  const row = workshopRow(id);
  if (!row) return;
  if (values.booked !== undefined && values.absent === undefined) {
    // A new seat is a person not yet at the door; a freed one no longer counts.
    const before = Number(cell(row, "booked").textContent);
    row.dataset.absent = String(Math.max(Number(row.dataset.absent) + values.booked - before, 0));
  }
  if (values.absent !== undefined) row.dataset.absent = String(values.absent);
  for (const field of ["booked", "held", "free", "waitlisted", "checked_in", "capacity"]) setText(cell(row, field), values[field]);
  setOccupancy(row);
  renderRounds();
}

function renderRounds() {
  const now = Date.now();
  for (const row of document.querySelectorAll("#round-rows tr[data-round]")) {
    let booked = 0;
    let absent = 0;
    for (const workshop of document.querySelectorAll(`#workshop-rows tr[data-round="${row.dataset.round}"]`)) {
      booked += Number(cell(workshop, "booked").textContent);
      absent += Number(workshop.dataset.absent || 0);
    }
    const started = new Date(row.dataset.starts).getTime() <= now;
    setText(cell(row, "booked"), booked);
    setText(cell(row, "absent"), started ? absent : "–");
    setText(cell(row, "no_show_rate"), started && booked ? `${Math.round((100 * absent) / booked)} %` : started ? "–" : labels.not_started);
  }
}

// Doors ------------------------------------------------------------------------------------
function lastSeenText(iso) {
  if (!iso) return labels.never;
  const minutes = Math.floor((Date.now() - new Date(iso).getTime()) / 60000);
  if (minutes >= QUIET_MINUTES) return format(labels.quiet_since, { minutes, time: clock(iso) });
  if (minutes < 1) return format(labels.seen_just_now, { time: clock(iso) });
  return format(labels.seen_minutes_ago, { minutes, time: clock(iso) });
}

function refreshDevice(row) {
  const iso = row.dataset.lastSeen;
  setText(cell(row, "last_seen"), lastSeenText(iso));
  const quiet = Boolean(iso) && Date.now() - new Date(iso).getTime() >= QUIET_MINUTES * 60000;
  row.classList.toggle("quiet", quiet);
}

function deviceRow(device) {
  const row = makeRow(
    [
      [null, device.revoked ? `${device.name} (${labels.revoked})` : device.name],
      ["scans", String(device.scans), true],
      ["checked_in", String(device.checked_in), true],
      ["last_seen", ""],
    ],
    { "data-source": device.source, "data-last-seen": device.last_seen_at || "" },
  );
  refreshDevice(row);
  return row;
}

function renderDevices(devices) {
  const body = $("device-rows");
  if (devices.length) body.replaceChildren(...devices.map(deviceRow));
}

function updateSource(source, scanDelta) {
  const body = $("device-rows");
  let row = body.querySelector(`tr[data-source="${source.key}"]`);
  if (!row) {
    row = deviceRow({ source: source.key, name: source.name, scans: 0, checked_in: 0, last_seen_at: null });
    if (!body.querySelector("tr[data-source]")) body.replaceChildren();
    body.append(row);
  }
  setText(cell(row, "scans"), Number(cell(row, "scans").textContent) + scanDelta);
  setText(cell(row, "checked_in"), source.checked_in);
  row.dataset.lastSeen = source.last_seen_at;
  refreshDevice(row);
}

// Breakdowns -------------------------------------------------------------------------------
function renderBreakdown(bodyId, rows, keyOf, labelOf) {
  $(bodyId).replaceChildren(
    ...rows.map((row) =>
      makeRow(
        [
          [null, labelOf(row)],
          ["registered", String(row.registered), true],
          ["checked_in", String(row.checked_in), true],
        ],
        { "data-key": keyOf(row) },
      ),
    ),
  );
}

function bump(bodyId, key, label, field, delta) {
  const body = $(bodyId);
  let row = [...body.rows].find((candidate) => candidate.dataset.key === key);
  if (!row) {
    if (delta < 0) return;
    row = makeRow(
      [
        [null, label],
        ["registered", "0", true],
        ["checked_in", "0", true],
      ],
      { "data-key": key },
    );
    body.append(row);
  }
  setText(cell(row, field), Math.max(Number(cell(row, field).textContent) + delta, 0));
}

// Offers -----------------------------------------------------------------------------------
function lastSignupText(signup) {
  return signup ? `${signup.municipality} (${clock(signup.created_at)})` : "–";
}

function setOffer(offer, lastSignup) {
  const row = document.querySelector(`#offer-rows tr[data-offer="${offer.slug}"]`);
  if (!row) return;
  setText(cell(row, "taken"), offer.taken);
  setText(cell(row, "places"), number(offer.places));
  setText(cell(row, "places_left"), number(offer.places_left));
  setText(cell(row, "waitlisted"), offer.waitlisted);
  if (lastSignup !== undefined) setText(cell(row, "last_signup"), lastSignupText(lastSignup));
}

// Messages ---------------------------------------------------------------------------------
const handlers = {
  snapshot(message) {
    const stats = message.stats;
    setHeadline({ registered: stats.registered, checked_in: stats.checked_in, cancelled: stats.cancelled });
    for (const workshop of stats.workshops) {
      // Check-ins carry no revision: they always count; the seats only when not older.
      const { checked_in, absent } = workshop;
      setWorkshop(workshop.id, newSeats(workshop) ?? { checked_in, absent });
    }
    renderRounds();
    arrivals.clear();
    for (const block of stats.arrivals_per_5_minutes) arrivals.set(blockOf(block.at), block.count);
    renderArrivals();
    $("recent-scans").replaceChildren(...message.recent_scans.map(scanRow));
    renderDevices(stats.devices);
    renderBreakdown("role-rows", stats.by_role, (row) => row.role, (row) => row.label);
    renderBreakdown("province-rows", stats.by_province, (row) => row.province, (row) => row.province || labels.no_municipality);
    renderBreakdown("size-rows", stats.by_size, (row) => row.size, (row) => row.label);
    $("size-note").hidden = !stats.by_size.some((row) => row.size === "unknown" && row.registered > 0);
    for (const offer of stats.offers) setOffer(offer, offer.last_signup);
    setOutbox(message.outbox);
  },
  checkin(message, delta = 1) {
    const scan = message.scan;
    setHeadline({ checked_in: message.checked_in });
    if (message.workshop) {
      const row = workshopRow(message.workshop);
      if (row) row.dataset.absent = String(Math.max(Number(row.dataset.absent) - delta, 0));
      setWorkshop(message.workshop, { checked_in: message.workshop_checked_in });
    } else {
      if (delta > 0) addArrival(scan.scanned_at, 1);
      bump("role-rows", scan.role, scan.role, "checked_in", delta);
      bump("province-rows", scan.province, scan.province || labels.no_municipality, "checked_in", delta);
    }
    if (message.source) updateSource(message.source, 1);
    addScan(scan);
  },
  undo(message) {
    handlers.checkin(message, -1);
  },
  registration(message) {
    const person = message.registration;
    const delta = message.action === "created" ? 1 : message.action === "cancelled" ? -1 : 0;
    setHeadline({ registered: message.registered });
    if (message.action === "cancelled") setHeadline({ cancelled: state.cancelled + 1 });
    if (delta) {
      bump("role-rows", person.role, person.role_label, "registered", delta);
      bump("province-rows", person.province, person.province || labels.no_municipality, "registered", delta);
    }
  },
  workshop(message) {
    const workshop = newSeats(message.workshop);
    if (!workshop) return;
    // The public's event: `free` leaves out the seats held back for invitation codes.
    const held = Math.max(workshop.capacity - workshop.booked - workshop.free, 0);
    setWorkshop(workshop.id, { booked: workshop.booked, held, free: workshop.free, waitlisted: workshop.waitlisted, capacity: workshop.capacity });
  },
  signup(message) {
    setOffer(message.offer, message.signup);
  },
};

// "Quiet for 12 min" and "round started" move with the clock, not only with messages.
setInterval(() => {
  document.querySelectorAll("#device-rows tr[data-source]").forEach(refreshDevice);
  renderRounds();
}, 30000);

document.querySelectorAll("#device-rows tr[data-source]").forEach(refreshDevice);
connectLive({
  path: root.dataset.socket,
  handlers,
  onState: setStatus,
  refreshEvery: 60000,
});
