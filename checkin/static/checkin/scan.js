// The door scanner on a volunteer's phone (or an organiser's, logged in).
//
// - Camera: the standard BarcodeDetector (Android Chrome's own), else the vendored zxing-wasm
//   polyfill (iOS Safari, desktop); back camera, continuous, torch where the camera has one.
//   The same code is ignored for 3 s while it stays in view.
// - Offline: the check-in list (badge hashes and names) is kept in localStorage and refreshed
//   every minute. Without an answer from the server a scan is judged against that list and
//   queued with its nonce and scan time; the queue is sent when the network is back. The server
//   answers a re-sent nonce with its first answer, so nothing counts twice.
// - A paired phone sends its device token (Authorization: Bearer); an organiser's browser its
//   session (with the CSRF token). Without either, the page asks to be paired.
(() => {
  "use strict";
  const root = document.getElementById("scanner");
  if (!root) return;
  const data = root.dataset;
  const text = document.getElementById("messages").dataset;
  const $ = (id) => document.getElementById(id);

  const KEY = {
    token: "dld.scanner.token",
    info: "dld.scanner.info",
    door: "dld.scanner.door",
    doorPending: "dld.scanner.door-pending",
    list: "dld.scanner.list",
    queue: "dld.scanner.queue",
    local: "dld.scanner.local",
    duplicates: "dld.scanner.duplicates",
    camera: "dld.scanner.camera",
  };
  const REQUEST_TIMEOUT = 4000; // bad Wi-Fi: answer from the list rather than keep the door waiting
  const LIST_TIMEOUT = 20000;
  const LIST_REFRESH = 60000;
  const FLUSH_RETRY = 10000;
  const SAME_CODE_PAUSE = 3000;
  const SCAN_INTERVAL = 120;
  const PREFIX = "DLD1:";

  const store = {
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

  let token = store.get(KEY.token, null);
  let info = store.get(KEY.info, null);
  let door = store.get(KEY.door, null);
  let list = store.get(KEY.list, null);
  let queue = store.get(KEY.queue, []);
  let local = store.get(KEY.local, {}); // place key → {at, noted}: check-ins this phone knows of
  let duplicates = store.get(KEY.duplicates, []);
  let people = new Map();
  let byReference = new Map();
  let online = navigator.onLine;
  let revoked = false;
  let started = false;
  let infoReady = null; // the first answer to "who is scanning": scans typed before it wait for it
  let identified = false;
  let flushing = false;
  let last = null; // the last successful check-in, for undo

  class ApiError extends Error {
    constructor(status, payload) {
      super(String(status));
      this.status = status;
      this.payload = payload;
    }
  }

  const csrfToken = () => (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
  const newNonce = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  const clock = (iso) => new Date(iso).toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" });
  const mode = () => (token ? "device" : info && info.user ? "staff" : "none");
  const placeKey = (hash, workshop) => `${hash}|${workshop || ""}`;

  // Network

  async function api(url, { method = "GET", body, timeout = REQUEST_TIMEOUT } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    else headers["X-CSRFToken"] = csrfToken();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: token ? "omit" : "same-origin",
        cache: "no-store",
        signal: controller.signal,
      });
    } catch (error) {
      setOnline(false);
      throw error;
    } finally {
      clearTimeout(timer);
    }
    setOnline(response.status < 500);
    const payload = await response.json().catch(() => null);
    if (response.status === 401 && token) deviceRevoked();
    if (!response.ok) throw new ApiError(response.status, payload);
    return payload;
  }

  const isNetworkTrouble = (error) => !(error instanceof ApiError) || error.status >= 500;

  function setOnline(value) {
    if (online === value) return;
    online = value;
    render();
    if (online) flush();
  }

  // The check-in list and local answers

  function index() {
    people = new Map();
    byReference = new Map();
    for (const person of (list && list.people) || []) {
      people.set(person.hash, person);
      byReference.set(person.reference, person);
    }
  }

  async function refreshList() {
    if (mode() === "none" || revoked) return;
    const asked = Date.now();
    try {
      list = await api(data.listUrl, { timeout: LIST_TIMEOUT });
    } catch (error) {
      return;
    }
    store.set(KEY.list, list);
    // The server now knows what this phone sent before asking; keep only what is still queued.
    const queued = new Set(queue.map((item) => item.key));
    for (const [key, mark] of Object.entries(local)) {
      if (mark.noted < asked && !queued.has(key)) delete local[key];
    }
    store.set(KEY.local, local);
    index();
    render();
  }

  async function personOf(input) {
    if (input.secret) {
      const hash = await window.dldSha256Hex(input.secret);
      return { hash, person: people.get(hash) || null };
    }
    const person = byReference.get(input.reference) || null;
    return { hash: person ? person.hash : `ref:${input.reference}`, person };
  }

  const attendeeOf = (person) => ({
    name: person.name,
    role_label: person.role_label,
    municipality: person.municipality,
  });

  function doorInfo(workshop) {
    return ((info && info.doors) || []).find((d) => d.id === workshop) || null;
  }

  /** The server's decision (checkin.services._decide), made from the list and this phone's memory. */
  function decideLocally(person, key, workshop, scannedAt) {
    if (!person) return { status: "unknown", attendee: null };
    const attendee = attendeeOf(person);
    if (person.status !== "confirmed") return { status: "cancelled", attendee };
    let walkIn = false;
    if (workshop && !person.workshops.includes(workshop)) {
      const room = doorInfo(workshop);
      if (!room || !room.allow_walk_ins) return { status: "not_booked", attendee };
      walkIn = true; // the server books the seat (if still free) when the scan is sent
    }
    const known = local[key] && local[key].at;
    const listed = workshop ? (person.workshops_checked_in_at || {})[String(workshop)] : person.checked_in_at;
    const first = known || listed;
    if (first) return { status: "already_checked_in", attendee, checked_in_at: first };
    return { status: "ok", attendee, checked_in_at: scannedAt, walkIn };
  }

  function mark(key, at) {
    local[key] = { at, noted: Date.now() };
    store.set(KEY.local, local);
  }

  function saveQueue() {
    store.set(KEY.queue, queue);
    render();
  }

  const payloadOf = (item) => ({
    ...(item.secret ? { secret: item.secret } : { reference: item.reference }),
    workshop: item.workshop,
    nonce: item.nonce,
    scanned_at: item.scanned_at,
  });

  /** Send queued scans, oldest first; stop at the first network trouble and try again later. */
  async function flush() {
    if (flushing || !queue.length || revoked || mode() === "none") return;
    flushing = true;
    try {
      while (queue.length) {
        const item = queue[0];
        let result = null;
        try {
          result = await api(data.redeemUrl, { method: "POST", body: payloadOf(item) });
        } catch (error) {
          // Not now: no network, or no valid login (revoked, session or CSRF cookie gone).
          if (isNetworkTrouble(error) || error.status === 401 || error.status === 403) break;
          // Other 4xx: the server will never take this one (e.g. a workshop that no longer exists).
        }
        queue.shift();
        if (result) {
          if (result.status === "ok" || result.status === "already_checked_in") mark(item.key, result.checked_in_at);
          if (item.local_status === "ok" && result.status !== "ok") {
            duplicates.unshift({
              name: result.attendee ? result.attendee.name : item.secret || item.reference,
              status: result.status,
              scanned_at: item.scanned_at,
              first: result.checked_in_at,
            });
            duplicates = duplicates.slice(0, 50);
            store.set(KEY.duplicates, duplicates);
          }
        }
        saveQueue();
      }
    } finally {
      flushing = false;
    }
  }

  // Scanning

  function parseCode(raw) {
    const value = String(raw || "").trim();
    if (!value) return null;
    const pairing = pairingCodeOf(value);
    if (pairing) return { pairing };
    const upper = value.toUpperCase();
    if (upper.startsWith(PREFIX)) return { secret: upper.slice(PREFIX.length).trim() };
    if (/^DLD-[A-Z0-9]{4,8}$/.test(upper)) return { reference: upper };
    if (/^[A-Z2-7]{16,64}$/.test(upper)) return { secret: upper };
    return null;
  }

  function pairingCodeOf(value) {
    const [before, after] = data.pairPath.split("CODE");
    try {
      const url = new URL(value, window.location.href);
      if (!/^https?:$/.test(url.protocol) || !url.pathname.startsWith(before)) return null;
      const code = url.pathname.slice(before.length, url.pathname.length - (url.pathname.endsWith(after) ? after.length : 0));
      return /^[A-Za-z0-9_-]{8,100}$/.test(code) ? code : null;
    } catch (error) {
      return null;
    }
  }

  async function handleCode(raw) {
    const input = parseCode(raw);
    if (!input) {
      show({ status: "invalid", attendee: null });
      return;
    }
    if (input.pairing) {
      await pairWith(input.pairing);
      return;
    }
    await infoReady;
    if (mode() === "none" || revoked) return;
    await redeem(input);
  }

  async function redeem(input) {
    const workshop = door || null;
    const scannedAt = new Date().toISOString();
    const item = { ...input, workshop, nonce: newNonce(), scanned_at: scannedAt };
    const { hash, person } = await personOf(input);
    item.key = placeKey(hash, workshop);
    if (online) {
      try {
        const result = await api(data.redeemUrl, { method: "POST", body: payloadOf(item) });
        if (result.status === "ok" || result.status === "already_checked_in") mark(item.key, result.checked_in_at);
        remember(item, result);
        show(result);
        flush();
        return;
      } catch (error) {
        if (!isNetworkTrouble(error)) {
          if (error.status !== 401) showError(error);
          return;
        }
      }
    }
    // No answer in time: judge it here, and send it later with the same nonce.
    const result = decideLocally(person, item.key, workshop, scannedAt);
    item.local_status = result.status;
    queue.push(item);
    saveQueue();
    if (result.status === "ok") mark(item.key, scannedAt);
    remember(item, result);
    show(result, { offline: true });
  }

  function remember(item, result) {
    last = result.status === "ok" ? { item, attendee: result.attendee } : null;
    $("undo").hidden = !last;
  }

  async function undo() {
    if (!last) return;
    const { item, attendee } = last;
    last = null;
    $("undo").hidden = true;
    const queued = queue.findIndex((q) => q.nonce === item.nonce);
    if (queued >= 0) {
      queue.splice(queued, 1);
      saveQueue();
      delete local[item.key];
      store.set(KEY.local, local);
      show({ status: "undone", attendee }, { offline: true });
      return;
    }
    try {
      const body = { ...(item.secret ? { secret: item.secret } : { reference: item.reference }), workshop: item.workshop };
      const result = await api(data.undoUrl, { method: "POST", body });
      delete local[item.key];
      store.set(KEY.local, local);
      show(result);
    } catch (error) {
      showMessage("bad", text.undoOffline);
    }
  }

  // The answer: the whole screen, a sound and a vibration

  const answer = $("answer");
  let hideTimer = null;
  const toneOf = (status) =>
    ({ ok: "ok", undone: "ok", already_checked_in: "warn", not_checked_in: "warn" })[status] || "bad";

  function line(className, content) {
    const element = document.createElement("span");
    element.className = className;
    element.textContent = content;
    return element;
  }

  function present(tone, parts, holdMs) {
    answer.dataset.tone = tone;
    answer.replaceChildren(...parts);
    answer.classList.add("shown");
    feedback(tone);
    clearTimeout(hideTimer);
    if (holdMs) hideTimer = setTimeout(hideAnswer, holdMs);
  }

  function hideAnswer() {
    answer.classList.remove("shown");
    answer.dataset.tone = "none";
  }

  function show(result, { offline = false } = {}) {
    const tone = toneOf(result.status);
    const parts = [line("answer-status", text[result.status] || text.invalid)];
    if (result.attendee) {
      parts.push(line("answer-name", result.attendee.name));
      parts.push(line("answer-detail", [result.attendee.role_label, result.attendee.municipality].filter(Boolean).join(" · ")));
    }
    if (result.status === "already_checked_in" && result.checked_in_at) {
      parts.push(line("answer-detail", `${text.first} ${clock(result.checked_in_at)}`));
    }
    if (result.walkIn) parts.push(line("answer-note", text.walkIn));
    if (offline) parts.push(line("answer-note", text.offlineAnswer));
    present(tone, parts, tone === "ok" ? 2500 : 5000);
  }

  function showMessage(tone, message, detail) {
    const parts = [line("answer-status", message)];
    if (detail) parts.push(line("answer-detail", detail));
    present(tone, parts, 5000);
  }

  function showError(error) {
    showMessage("bad", (error.payload && error.payload.detail) || text.error);
  }

  answer.addEventListener("click", () => {
    if (!answer.classList.contains("stuck")) hideAnswer();
  });

  let audio = null;
  function unlockAudio() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    if (audio && audio.state === "suspended") audio.resume();
  }
  document.addEventListener("pointerdown", unlockAudio, { passive: true });
  document.addEventListener("keydown", unlockAudio);

  function beep(frequency, seconds, delay = 0, type = "sine") {
    if (!audio || audio.state !== "running") return;
    const start = audio.currentTime + delay;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = type;
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.35, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + seconds);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start);
    oscillator.stop(start + seconds + 0.02);
  }

  function feedback(tone) {
    const vibrate = (pattern) => navigator.vibrate && navigator.vibrate(pattern);
    if (tone === "ok") {
      beep(1175, 0.12);
      vibrate(80);
    } else if (tone === "warn") {
      beep(660, 0.12);
      beep(660, 0.12, 0.18);
      vibrate([80, 60, 80]);
    } else {
      beep(196, 0.45, 0, "square");
      vibrate([250, 100, 250]);
    }
  }

  // Camera

  const video = $("video");
  const viewport = $("viewport");
  const cameraButton = $("camera-toggle");
  const torchButton = $("torch");
  let stream = null;
  let detector = null;
  let scanTimer = null;
  let lastCode = "";
  let lastCodeAt = 0;

  function cameraState(state) {
    viewport.dataset.state = state;
    $("camera-hint").textContent =
      state === "on" ? text.cameraOn : state === "starting" ? text.cameraStarting : text.cameraOff;
    cameraButton.textContent = state === "off" ? text.startCamera : text.stopCamera;
  }

  function cameraNote(message) {
    const note = $("camera-note");
    note.hidden = !message;
    note.textContent = message || "";
  }

  async function makeDetector() {
    const polyfill = window.BarcodeDetectionAPI;
    if (polyfill) {
      polyfill.prepareZXingModule({
        overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? data.wasmUrl : prefix + path) },
        fireImmediately: true,
      });
    }
    const Native = window.BarcodeDetector;
    if (Native && (!polyfill || Native !== polyfill.BarcodeDetector)) {
      try {
        if ((await Native.getSupportedFormats()).includes("qr_code")) return new Native({ formats: ["qr_code"] });
      } catch (error) {
        /* fall back to the polyfill */
      }
    }
    return polyfill ? new polyfill.BarcodeDetector({ formats: ["qr_code"] }) : null;
  }

  async function startCamera() {
    unlockAudio();
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraNote(text.cameraInsecure);
      return;
    }
    cameraState("starting");
    cameraNote("");
    try {
      detector = detector || (await makeDetector());
      if (!detector) {
        cameraNote(text.cameraUnsupported);
        cameraState("off");
        return;
      }
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (error) {
      stream = null;
      cameraNote(text.cameraDenied);
      cameraState("off");
      return;
    }
    video.srcObject = stream;
    await video.play().catch(() => {});
    const track = stream.getVideoTracks()[0];
    const capabilities = track && track.getCapabilities ? track.getCapabilities() : {};
    torchButton.hidden = !capabilities.torch;
    torchButton.setAttribute("aria-pressed", "false");
    cameraState("on");
    store.set(KEY.camera, true);
    scanTimer = setTimeout(scanFrame, SCAN_INTERVAL);
  }

  function stopCamera(remember = true) {
    clearTimeout(scanTimer);
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    torchButton.hidden = true;
    cameraState("off");
    if (remember) store.set(KEY.camera, false);
  }

  async function scanFrame() {
    if (!stream) return;
    if (video.readyState >= 2 && !document.hidden) {
      try {
        const codes = await detector.detect(video);
        if (codes.length) seen(codes[0].rawValue);
      } catch (error) {
        /* a frame that could not be read */
      }
    }
    if (stream) scanTimer = setTimeout(scanFrame, SCAN_INTERVAL);
  }

  function seen(raw) {
    const now = Date.now();
    const repeat = raw === lastCode && now - lastCodeAt < SAME_CODE_PAUSE;
    lastCode = raw;
    lastCodeAt = now; // while the badge stays in view it keeps being ignored
    if (!repeat) handleCode(raw);
  }

  cameraButton.addEventListener("click", () => (stream ? stopCamera() : startCamera()));
  torchButton.addEventListener("click", async () => {
    const track = stream && stream.getVideoTracks()[0];
    if (!track) return;
    const on = torchButton.getAttribute("aria-pressed") !== "true";
    try {
      await track.applyConstraints({ advanced: [{ torch: on }] });
      torchButton.setAttribute("aria-pressed", String(on));
    } catch (error) {
      torchButton.hidden = true;
    }
  });
  document.addEventListener("visibilitychange", () => {
    // The camera is released in the background (battery, and iOS takes it away anyway).
    if (document.hidden && stream) stopCamera(false);
    else if (!document.hidden && !stream && store.get(KEY.camera, false) && mode() !== "none" && !revoked) startCamera();
  });

  // Manual entry and name search

  $("scan-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("code");
    const value = input.value;
    input.value = "";
    handleCode(value);
    input.focus();
  });

  const searchInput = $("search");
  let searchTimer = null;
  let searchRound = 0;
  searchInput.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, 300);
  });
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(searchTimer);
    search();
  });

  function searchLocally(query) {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const upper = query.toUpperCase();
    return ((list && list.people) || [])
      .filter((p) => p.reference === upper || words.every((word) => p.name.toLowerCase().includes(word)))
      .slice(0, 20)
      .map((p) => ({ ...attendeeOf(p), reference: p.reference, status: p.status, checked_in: p.checked_in }));
  }

  async function search() {
    const query = searchInput.value.trim();
    const round = ++searchRound;
    const results = $("search-results");
    const status = $("search-status");
    if (query.length < 2) {
      results.replaceChildren();
      status.textContent = query ? text.searchShort : "";
      return;
    }
    let matches;
    let offline = false;
    try {
      if (!online) throw new Error("offline");
      matches = await api(`${data.searchUrl}?q=${encodeURIComponent(query)}`);
    } catch (error) {
      if (!isNetworkTrouble(error)) return;
      matches = searchLocally(query);
      offline = true;
    }
    if (round !== searchRound) return; // a newer search is under way
    status.textContent = matches.length
      ? `${matches.length} ${text.searchFound}${offline ? ". " + text.searchOffline : ""}`
      : text.searchNone;
    results.replaceChildren(
      ...matches.map((match) => {
        const item = document.createElement("li");
        const who = document.createElement("div");
        who.append(line("result-name", match.name));
        who.append(line("result-detail", [match.role_label, match.municipality, match.reference].filter(Boolean).join(" · ")));
        if (match.status !== "confirmed") who.append(line("result-flag", text.cancelled));
        else if (match.checked_in) who.append(line("result-flag", text.checkedIn));
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        button.textContent = text.checkIn;
        button.setAttribute("aria-label", `${text.checkIn}: ${match.name}`);
        button.addEventListener("click", async () => {
          await redeem({ reference: match.reference });
          search();
        });
        item.append(who, button);
        return item;
      }),
    );
  }

  // Who is scanning, and where

  async function loadInfo() {
    try {
      info = await api(data.scannerUrl);
      store.set(KEY.info, info);
    } catch (error) {
      if (!isNetworkTrouble(error)) {
        info = null;
        store.remove(KEY.info);
      }
      // Offline: go on with what we knew.
    }
    identified = true;
    if (info && info.device) {
      if (store.get(KEY.doorPending, false)) saveDoor();
      else setDoor(info.device.workshop);
    }
  }

  function setDoor(value) {
    door = value ? Number(value) : null;
    store.set(KEY.door, door);
    render();
  }

  async function saveDoor() {
    if (mode() !== "device") return;
    store.set(KEY.doorPending, true);
    try {
      await api(data.scannerUrl, { method: "PATCH", body: { workshop: door } });
      store.set(KEY.doorPending, false);
    } catch (error) {
      if (!isNetworkTrouble(error)) store.set(KEY.doorPending, false);
    }
  }

  $("door").addEventListener("change", (event) => {
    setDoor(event.target.value);
    saveDoor();
  });

  function renderDoors() {
    const select = $("door");
    const options = [new Option(text.entrance, "")];
    for (const room of (info && info.doors) || []) {
      options.push(new Option(`${room.round}: ${room.title} (${room.room})`, String(room.id)));
    }
    select.replaceChildren(...options);
    select.value = door ? String(door) : "";
  }

  // Pairing and revocation

  async function pairWith(code) {
    showMessage("warn", text.pairing);
    let response;
    let payload = null;
    try {
      response = await fetch(data.pairUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ code }),
        credentials: "omit",
      });
      payload = await response.json().catch(() => null);
    } catch (error) {
      showMessage("bad", text.pairFailed, text.error);
      return;
    }
    if (!response.ok) {
      showMessage("bad", text.pairFailed, payload && payload.detail);
      return;
    }
    adopt(payload);
    showMessage("ok", `${text.paired} ${payload.device.name}`);
    await boot();
  }

  function adopt(paired) {
    token = paired.token;
    revoked = false;
    answer.classList.remove("stuck");
    store.set(KEY.token, token);
    store.set(KEY.doorPending, false);
    door = paired.device.workshop;
    store.set(KEY.door, door);
    info = null;
    store.remove(KEY.info);
  }

  function deviceRevoked() {
    if (revoked) return;
    revoked = true;
    token = null;
    store.remove(KEY.token);
    store.remove(KEY.info);
    info = null;
    stopCamera(false);
    clearTimeout(hideTimer);
    answer.dataset.tone = "bad";
    answer.replaceChildren(line("answer-status", text.revoked), line("answer-detail", text.revokedText));
    answer.classList.add("shown", "stuck");
    feedback("bad");
    render();
  }

  $("unpair").addEventListener("click", () => {
    if (!window.confirm(text.confirmUnpair)) return;
    stopCamera();
    Object.values(KEY).forEach((key) => store.remove(key));
    window.location.replace(data.scanUrl);
  });

  // Screen

  function render() {
    const net = $("net");
    net.dataset.state = online ? "online" : "offline";
    net.textContent = online ? text.online : text.offline;
    $("queue-count").textContent = String(queue.length);
    $("queue").dataset.count = String(queue.length);
    $("queue-state").textContent = String(queue.length);
    const count = list ? list.people.length : 0;
    $("list-state").textContent = list
      ? `${count} ${count === 1 ? text.person : text.people}, ${text.updatedAt} ${clock(list.generated_at)}`
      : text.listMissing;
    const room = door ? doorInfo(door) : null;
    $("door-label").textContent = room ? `${room.title} (${room.room})` : text.entrance;
    $("who").textContent = info && info.device ? info.device.name : (info && info.user) || "";
    // Until the server (or the cache) has told who this is, show the page as it came.
    const paired = !identified || (mode() !== "none" && !revoked);
    $("setup").hidden = paired;
    document.querySelectorAll(".scan-panel").forEach((panel) => {
      panel.hidden = !paired;
    });
    $("unpair").hidden = mode() !== "device";
    renderDoors();
    $("duplicates-box").hidden = !duplicates.length;
    $("duplicates").replaceChildren(
      ...duplicates.map((d) => {
        const item = document.createElement("li");
        item.textContent = `${d.name} · ${clock(d.scanned_at)} · ${text.firstAtElsewhere} ${d.first ? clock(d.first) : "?"}`;
        return item;
      }),
    );
  }

  function registerServiceWorker() {
    if ("serviceWorker" in navigator && window.isSecureContext) {
      navigator.serviceWorker.register(data.swUrl, { scope: data.scanUrl }).catch(() => {});
    }
  }

  async function boot() {
    index();
    render();
    infoReady = loadInfo();
    await infoReady;
    render();
    if (revoked || mode() === "none") return;
    refreshList();
    flush();
    if (store.get(KEY.camera, false) && !stream) startCamera();
    if (started) return;
    started = true;
    setInterval(refreshList, LIST_REFRESH);
    setInterval(() => {
      if (queue.length) flush();
    }, FLUSH_RETRY);
  }

  window.addEventListener("online", () => {
    online = true;
    render();
    refreshList();
    flush();
  });
  window.addEventListener("offline", () => setOnline(false));
  $("undo").addEventListener("click", undo);
  registerServiceWorker();
  boot();
})();
