// The server's decision at the door (checkin.services._decide), made on the phone from the
// check-in list when the server does not answer in time. No DOM, no storage: the cases it must
// agree with the server on are in tests/checkin/decision_cases.json, run by a Python test against
// the server and by a browser test against this function.

export const attendeeOf = (person) => ({
  name: person.name,
  role_label: person.role_label,
  municipality: person.municipality,
});

/**
 * `person`: the list's entry for the badge, or null. `workshop`: the door's workshop id, or null
 * at the entrance; `door`: that workshop's entry among the scanner's doors (`allow_walk_ins`), or
 * null. `knownAt`: when this phone itself checked them in here (since the list was made), if it
 * did. `admit`: the steward's "Toch binnenlaten" for someone without a seat here. Returns
 * `{status, attendee, checked_in_at?, walkIn?}`.
 */
export function decideLocally(person, { workshop = null, door = null, knownAt = null, scannedAt, admit = false }) {
  if (!person) return { status: "unknown", attendee: null };
  const attendee = attendeeOf(person);
  if (person.status !== "confirmed") return { status: "cancelled", attendee };
  const listed = workshop ? (person.workshops_checked_in_at || {})[String(workshop)] : person.checked_in_at;
  const first = knownAt || listed;
  let walkIn = false;
  // Someone checked in here already is in, with a seat or let in without one.
  if (workshop && !first && !person.workshops.includes(workshop)) {
    if (!admit && (!door || !door.allow_walk_ins)) return { status: "not_booked", attendee };
    // Whether a seat (or, let in anyway, a place in the room) is still free only the server
    // knows: it checks them in (or answers not_booked or room_full) when the queued scan is sent.
    walkIn = true;
  }
  if (first) return { status: "already_checked_in", attendee, checked_in_at: first };
  return { status: "ok", attendee, checked_in_at: scannedAt, walkIn };
}
