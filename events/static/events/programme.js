// Live seat counts, rooms and cancellations on the programme, registration and "my registration"
// pages, over /ws/programme/. Without JavaScript the pages show the counts of when they loaded.
(() => {
  const texts = document.getElementById("seat-texts")?.dataset;
  if (!texts || !("WebSocket" in window)) return;
  // Dutch has two forms: "nog 1 plek", "nog N plekken" (rendered by the server for 1 and 2).
  const seatText = (left) => (left === 1 ? texts.one : texts.many.replace("2", String(left)));
  let retry = 0;

  function apply(workshop) {
    const left = Math.max(workshop.capacity - workshop.booked, 0);
    document.querySelectorAll(`[data-workshop="${workshop.id}"]`).forEach((element) => {
      const seats = element.querySelector("[data-seats]");
      if (seats && workshop.round.kind === "workshops") {
        if (workshop.status === "cancelled") {
          seats.textContent = texts.cancelled;
          seats.className = "seats full";
          element.classList.add("cancelled");
        } else {
          seats.textContent = left ? seatText(left) : texts.full;
          seats.className = `seats ${left ? "free" : "full"}`;
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

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/ws/programme/`);
    socket.addEventListener("open", () => {
      retry = 0;
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "snapshot") message.workshops.forEach(apply);
      if (message.type === "workshop") apply(message.workshop);
    });
    socket.addEventListener("close", () => {
      const delay = Math.min(30000, 1000 * 2 ** retry) * (0.5 + Math.random() / 2);
      retry += 1;
      setTimeout(connect, delay);
    });
  }

  connect();
})();
