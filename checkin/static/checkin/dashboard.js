// Organisers' dashboard: a snapshot on (re)connect, then live events over /ws/dashboard/.
// Events carry absolute totals, so a missed message is corrected by the next one; a fresh
// snapshot is asked for every minute and after every reconnect.
(() => {
  const root = document.querySelector(".dashboard");
  const statusLine = document.getElementById("live-status");
  const labels = document.getElementById("live-messages").dataset;
  const $ = (id) => document.getElementById(id);
  let socket = null;
  let retry = 0;
  let refresher = null;
  let state = { registered: 0, checked_in: 0 };

  function setStatus(name) {
    statusLine.dataset.state = name;
    statusLine.textContent = labels[name];
  }

  function setFigure(id, value) {
    const element = $(id);
    if (element && value !== undefined && value !== null) element.textContent = String(value);
  }

  function setHeadline(values) {
    Object.assign(state, values);
    setFigure("registered", state.registered);
    setFigure("checked-in", state.checked_in);
    setFigure("not-arrived", Math.max(state.registered - state.checked_in, 0));
    if (values.cancelled !== undefined) setFigure("cancelled", values.cancelled);
  }

  function setWorkshop(id, values) {
    const row = document.querySelector(`#workshop-rows tr[data-workshop="${id}"]`);
    if (!row) return;
    for (const [field, value] of Object.entries(values)) {
      const cell = row.querySelector(`[data-field="${field}"]`);
      if (cell && value !== undefined && value !== null) cell.textContent = String(value);
    }
  }

  function scanRow(scan) {
    const row = document.createElement("tr");
    const time = new Date(scan.scanned_at).toLocaleTimeString("nl-NL");
    for (const value of [time, scan.name, scan.place || "—", scan.device, scan.status]) {
      const cell = document.createElement("td");
      cell.textContent = value;
      row.append(cell);
    }
    return row;
  }

  function addScan(scan) {
    const body = $("recent-scans");
    body.prepend(scanRow(scan));
    while (body.rows.length > 20) body.deleteRow(body.rows.length - 1);
  }

  const handlers = {
    snapshot(message) {
      const stats = message.stats;
      setHeadline({ registered: stats.registered, checked_in: stats.checked_in, cancelled: stats.cancelled });
      for (const workshop of stats.workshops) setWorkshop(workshop.id, workshop);
      $("recent-scans").replaceChildren(...message.recent_scans.map(scanRow));
    },
    checkin(message) {
      setHeadline({ checked_in: message.checked_in });
      if (message.workshop) setWorkshop(message.workshop, { checked_in: message.workshop_checked_in });
      addScan(message.scan);
    },
    undo(message) {
      handlers.checkin(message);
    },
    registration(message) {
      setHeadline({ registered: message.registered });
    },
    workshop(message) {
      const workshop = message.workshop;
      setWorkshop(workshop.id, { booked: workshop.booked, waitlisted: workshop.waitlisted, capacity: workshop.capacity });
    },
  };

  function connect() {
    setStatus("connecting");
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}${root.dataset.socket}`);
    socket.addEventListener("open", () => {
      retry = 0;
      setStatus("online");
      clearInterval(refresher);
      refresher = setInterval(() => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ type: "snapshot" })), 60000);
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      const handler = handlers[message.type];
      if (handler) handler(message);
    });
    socket.addEventListener("close", () => {
      setStatus("offline");
      clearInterval(refresher);
      // Back off from 1 s up to 30 s, with jitter so a hall full of tablets does not reconnect at once.
      const delay = Math.min(30000, 1000 * 2 ** retry) * (0.5 + Math.random() / 2);
      retry += 1;
      setTimeout(connect, delay);
    });
  }

  connect();
})();
