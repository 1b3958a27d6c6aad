// Which workshop this phone's door checks now, by the phone's clock: the rule of checkin/doors.py.
// A room's door checks the steward's override while its round lasts; else the room's next session
// once it starts within the margin (15 minutes); else the one under way; else none. The day's
// rooms, rounds and workshops come from the check-in list (kept for offline use), else from the
// server's "who is scanning" answer.
import { saved } from "./storage.js";

const MINUTE = 60000;

/** The workshops of the day `{id, title, room, roomName, round, starts, ends, allow_walk_ins}`,
 * by start; the rooms `{id, name}`; the margin in minutes. */
export function plan() {
  const list = saved.list;
  if (list && list.workshops && list.rounds && list.rooms) {
    const rounds = new Map(list.rounds.map((round) => [round.id, round]));
    const rooms = new Map(list.rooms.map((room) => [room.id, room]));
    const workshops = list.workshops
      .filter((w) => rounds.has(w.round))
      .map((w) => {
        const round = rounds.get(w.round);
        return {
          id: w.id,
          title: w.title,
          room: w.room,
          roomName: (rooms.get(w.room) || {}).name || "",
          round: round.label,
          roundId: w.round,
          starts: Date.parse(round.starts_at),
          ends: Date.parse(round.ends_at),
          allow_walk_ins: w.allow_walk_ins,
        };
      });
    return { margin: list.door_margin_minutes, rooms: list.rooms, workshops: byStart(workshops) };
  }
  const info = saved.info || {};
  const workshops = (info.doors || []).map((d) => ({
    id: d.id,
    title: d.title,
    room: d.room_id,
    roomName: d.room,
    round: d.round,
    roundId: d.round_id,
    starts: Date.parse(d.starts_at),
    ends: Date.parse(d.ends_at),
    allow_walk_ins: d.allow_walk_ins,
  }));
  const margin = typeof info.door_margin_minutes === "number" ? info.door_margin_minutes : 15;
  return { margin, rooms: info.rooms || [], workshops: byStart(workshops) };
}

const byStart = (workshops) =>
  workshops.sort((a, b) => a.starts - b.starts || a.title.localeCompare(b.title) || a.id - b.id);

/** Of one room's workshops (by start), the one its door checks at `now` (ms). */
export function byClock(workshops, now, marginMinutes) {
  const margin = marginMinutes * MINUTE;
  const upcoming = workshops.find((w) => now < w.starts && w.starts <= now + margin);
  if (upcoming) return upcoming;
  return workshops.find((w) => w.starts <= now && now < w.ends) || null;
}

/** What a door at `room` (a room id, or null: the entrance) with the steward's `override` (a
 * workshop id, or null) checks at `now`: `{room, workshop, override, next}` (workshops as in plan()). */
export function doorAt({ room, override, now = Date.now(), day = plan() }) {
  const chosen = day.workshops.find((w) => w.id === override && now < w.ends) || null;
  if (room === null || room === undefined) return { room: null, workshop: chosen, override: chosen, next: null };
  const inRoom = day.workshops.filter((w) => w.room === room);
  const checked = chosen || byClock(inRoom, now, day.margin);
  const after = checked ? checked.starts : now;
  const next = inRoom.find((w) => w.starts > after) || null;
  const found = day.rooms.find((r) => r.id === room) || { id: room, name: "" };
  return { room: found, workshop: checked, override: chosen, next };
}

/** This phone's door now. */
export const currentDoor = () => doorAt({ room: saved.room, override: saved.override });

/** The workshop id that a person with `seats` (workshop ids) has in the round of `workshop`, if any. */
export function seatInRound(seats, workshop) {
  const day = plan();
  const here = day.workshops.find((w) => w.id === workshop);
  if (!here) return null;
  return day.workshops.find((w) => w.roundId === here.roundId && w.id !== workshop && seats.includes(w.id)) || null;
}
