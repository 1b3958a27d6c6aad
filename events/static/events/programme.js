// Live seat counts, rooms and cancellations on the programme, registration and "my registration"
// pages, over /ws/programme/. Without JavaScript the pages show the counts of when they loaded.
import { connectLive } from "./live-socket.js";

const texts = document.getElementById("seat-texts")?.dataset;
// Dutch has two forms: "nog 1 plek", "nog N plekken" (rendered by the server for 1 and 2).
const seatText = (left) => (left === 1 ? texts.one : texts.many.replace("2", String(left)));

// The highest revision heard per workshop: two server processes send their events each in their
// own time, so an older workshop event can arrive after a newer one; it is left unshown.
const revisions = new Map();

function apply(workshop) {
  if (workshop.revision < (revisions.get(workshop.id) ?? -1)) return;
  revisions.set(workshop.id, workshop.revision);
  const left = workshop.free; // seats held back for invitation codes are not free to the public
  document.querySelectorAll(`[data-workshop="${workshop.id}"]`).forEach((element) => {
    const seats = element.querySelector("[data-seats]");
    if (seats && workshop.round.kind === "workshops") {
      if (workshop.status === "cancelled") {
        seats.textContent = texts.cancelled;
        seats.className = "seats full";
        element.classList.add("cancelled");
      } else {
        // A seat held back for the code the form was opened with stays the attendee's to take.
        const held = !left && "heldForCode" in seats.dataset;
        seats.textContent = left ? seatText(left) : held ? texts.held : texts.full;
        seats.className = `seats ${left || held ? "free" : "full"}`;
      }
    }
    const room = element.querySelector("[data-room]");
    if (room) room.textContent = workshop.room.name;
    // A workshop moved to another round moves to that round's list on the programme page.
    const target = document.querySelector(`[data-round="${workshop.round.id}"] .sessions`);
    const here = element.closest("[data-round]");
    if (target && element.matches(".session") && here && here.dataset.round !== String(workshop.round.id)) {
      target.append(element);
    }
  });
}

if (texts) {
  connectLive({
    path: "/ws/programme/",
    handlers: {
      snapshot: (message) => message.workshops.forEach(apply),
      workshop: (message) => apply(message.workshop),
    },
  });
}
