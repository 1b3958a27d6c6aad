// What the scanner keeps in the phone's localStorage, so that it works, and reloads, offline:
// its token, who and where it is, the check-in list (badge hashes and names), the queue of scans
// not sent yet, the check-ins this phone knows of, and the offline duplicates found on upload.
export const KEY = {
  token: "dld.scanner.token",
  info: "dld.scanner.info",
  door: "dld.scanner.door", // before doors per room: a workshop id (only removed now)
  room: "dld.scanner.room",
  override: "dld.scanner.override",
  doorPending: "dld.scanner.door-pending",
  list: "dld.scanner.list",
  queue: "dld.scanner.queue",
  local: "dld.scanner.local",
  duplicates: "dld.scanner.duplicates",
  refused: "dld.scanner.refused",
  camera: "dld.scanner.camera",
  announcements: "dld.scanner.announcements",
};

export const store = {
  get(key, fallback) {
    try {
      const value = localStorage.getItem(key);
      return value === null ? fallback : JSON.parse(value);
    } catch (error) {
      return fallback;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      /* storage full or blocked: the page still works while open */
    }
  },
  remove(key) {
    localStorage.removeItem(key);
  },
};

/** The kept values as this page uses them; `save(name)` writes one back. */
export const saved = {
  token: store.get(KEY.token, null),
  info: store.get(KEY.info, null),
  room: store.get(KEY.room, null), // the room whose door this is; null: the entrance
  override: store.get(KEY.override, null), // the steward's workshop instead of the clock's (door.js)
  list: store.get(KEY.list, null),
  queue: store.get(KEY.queue, []),
  local: store.get(KEY.local, {}), // place key → {at, noted}: check-ins this phone knows of
  duplicates: store.get(KEY.duplicates, []),
  refused: store.get(KEY.refused, []), // queued scans the server would not take, with its reason
};

export const save = (name) => store.set(KEY[name], saved[name]);

export function forget(name) {
  saved[name] = null;
  store.remove(KEY[name]);
}

/** A pairing's answer (`{token, device}`): this phone is now that device, at its door. */
export function keepPairing(paired) {
  saved.token = paired.token;
  save("token");
  store.remove(KEY.doorPending);
  saved.room = null; // until the server's answer says where the device stands
  save("room");
  saved.override = paired.device.workshop;
  save("override");
  forget("info");
}

/** Unpairing: nothing of this scanner stays on the phone. */
export const forgetEverything = () => Object.values(KEY).forEach((key) => store.remove(key));

// The check-in list

let people = new Map();
let byReference = new Map();

export function indexList() {
  people = new Map();
  byReference = new Map();
  for (const person of (saved.list && saved.list.people) || []) {
    people.set(person.hash, person);
    byReference.set(person.reference, person);
  }
}

/** A fresh list, asked for at `asked` (ms): the server now knows what this phone sent before
 * that, so of this phone's own check-ins only those still queued are kept. */
export function keepList(list, asked) {
  saved.list = list;
  save("list");
  const queued = new Set(saved.queue.map((item) => item.key));
  for (const [key, mark] of Object.entries(saved.local)) {
    if (mark.noted < asked && !queued.has(key)) delete saved.local[key];
  }
  save("local");
  indexList();
}

/** The list's person for a scanned badge (by the SHA-256 of its secret) or a typed reference. */
export async function personOf(input) {
  if (input.secret) {
    const hash = await window.dldSha256Hex(input.secret);
    return { hash, person: people.get(hash) || null };
  }
  const person = byReference.get(input.reference) || null;
  return { hash: person ? person.hash : `ref:${input.reference}`, person };
}

/** A workshop of the day (from the server's "who is scanning" answer), or null. */
export const doorOf = (workshop) => ((saved.info && saved.info.doors) || []).find((d) => d.id === workshop) || null;

// This phone's own check-ins, per person and place

export const placeKey = (hash, workshop) => `${hash}|${workshop || ""}`;
export const knownAt = (key) => saved.local[key] && saved.local[key].at;

export function mark(key, at) {
  saved.local[key] = { at, noted: Date.now() };
  save("local");
}

export function unmark(key) {
  delete saved.local[key];
  save("local");
}

/** A scan welcomed offline that the server, on upload, found checked in already. */
export const noteDuplicate = (duplicate) => note("duplicates", duplicate);

/** A queued scan the server refused (`{name, scanned_at, reason}`): dropped, and said so. */
export const noteRefused = (refused) => note("refused", refused);

function note(name, entry) {
  saved[name] = [entry, ...saved[name]].slice(0, 50);
  save(name);
}
