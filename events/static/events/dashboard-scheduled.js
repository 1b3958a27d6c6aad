// The scheduled mails on the organisers' dashboard (events/messaging/_dashboard_scheduled.html):
// it hears the dashboard's own socket, reading the snapshot's `stats.scheduled_mails` and the
// `scheduled_mails` events (a mail planned, cancelled or sent, a recipient's mail sent or failed).
import { followSection } from "./live-socket.js";
import { dayAndClock } from "./times.js";

const root = document.querySelector("[data-scheduled-socket]");

function render(figures) {
  for (const key of ["planned", "sent", "queued", "failed"]) {
    root.querySelector(`[data-scheduled-field="${key}"]`).textContent = String(figures[key]);
  }
  const next = root.querySelector("[data-scheduled-next]");
  next.hidden = !figures.next_at;
  next.querySelector("[data-scheduled-field='next_at']").textContent = figures.next_at ? dayAndClock(figures.next_at) : "";
  root.querySelector("#scheduled-mails").classList.toggle("warning", figures.failed > 0);
}

if (root) followSection(root.dataset.scheduledSocket, "scheduled_mails", "scheduled_mails", render);
