// The 1:1 meetings on the organisers' dashboard (networking/_dashboard_meetings.html): it hears the
// dashboard's own socket, reading the snapshot's `stats.meetings` and the `meetings` events.
import { followSection } from "../events/live-socket.js";
import { clock } from "../events/times.js";

const root = document.querySelector("[data-meetings-socket]");

function row(...cells) {
  const tr = document.createElement("tr");
  cells.forEach((value, index) => {
    const td = document.createElement("td");
    if (index > 0 && typeof value === "number") td.className = "num";
    td.textContent = String(value);
    tr.append(td);
  });
  return tr;
}

function render(meetings) {
  for (const key of ["accepted", "tables", "cancelled"]) {
    root.querySelector(`[data-field="${key}"]`).textContent = String(meetings[key]);
  }
  root.querySelector("#meeting-slot-rows").replaceChildren(
    ...meetings.slots.map((slot) =>
      row(`${clock(slot.starts_at)}–${clock(slot.ends_at)}`, slot.accepted, slot.requested, slot.tables_left),
    ),
  );
  root.querySelector("#meeting-table-rows").replaceChildren(
    ...meetings.per_table.map((table) => row(table.number, table.area, table.accepted)),
  );
  // Left as the page drew it ("no advisers yet") while there are none.
  if (meetings.intakes.length) {
    root.querySelector("#intake-adviser-rows").replaceChildren(
      ...meetings.intakes.map((adviser) =>
        row(
          adviser.adviser,
          adviser.booked,
          adviser.intakes.map((intake) => `${clock(intake.starts_at)} ${intake.municipality}`).join("; "),
        ),
      ),
    );
  }
}

if (root) followSection(root.dataset.meetingsSocket, "meetings", "meetings", render);
