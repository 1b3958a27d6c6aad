// The attendee's own page: after a change the notice at the top gets the focus (so it is seen and
// read out), and this browser remembers the attendee's workshops for "Mijn programma" on the home
// page (localStorage, this device only; "Vergeet" there clears it).
const status = document.getElementById("status");
if (status && status.hasAttribute("data-focus")) status.focus();

const day = document.querySelector("[data-my-workshops]");
try {
  if (day) {
    const workshops = day.dataset.myWorkshops.trim().split(/\s+/).filter(Boolean).map(Number);
    localStorage.setItem("dld.mine", JSON.stringify({ page: location.pathname, workshops }));
  } else {
    localStorage.removeItem("dld.mine"); // a cancelled registration has no programme to show
  }
} catch {
  // Storage may be off (private mode): the home page then simply shows the whole programme.
}
