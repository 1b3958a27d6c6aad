"""The live socket every live page shares (events/static/events/live-socket.js), in Chromium with a
stand-in WebSocket and clock: exponential backoff 1 s → 30 s with full jitter, started again only
once a snapshot came in; the state for the page's banner; a fresh snapshot asked for on schedule.
That the real servers send the snapshot on (re)connect is in the dashboard, programme and network
tests (and test_dashboard_redis_outage.py)."""

from django.templatetags.static import static

DRIVE = """async (module) => {
  const sockets = [];
  class StandIn extends EventTarget {
    constructor(url) { super(); this.url = url; this.readyState = 0; this.sent = []; sockets.push(this); }
    send(data) { this.sent.push(data); }
    open() { this.readyState = 1; this.dispatchEvent(new Event("open")); }
    receive(message) { this.dispatchEvent(new MessageEvent("message", { data: JSON.stringify(message) })); }
    drop() { this.readyState = 3; this.dispatchEvent(new Event("close")); }
  }
  StandIn.OPEN = 1;
  window.WebSocket = StandIn;
  const waits = [];
  let reconnect = null;
  window.setTimeout = (callback, ms) => { waits.push(ms); reconnect = callback; return waits.length; };
  let refresh = null;
  const intervals = [];
  window.setInterval = (callback, ms) => { intervals.push(ms); refresh = callback; return intervals.length; };
  let random = 0.999;
  Math.random = () => random;

  const { connectLive } = await import(module);
  const states = [];
  const messages = [];
  const handlers = { snapshot: (m) => messages.push(m.type), checkin: (m) => messages.push(m.type) };
  connectLive({ path: "/ws/test/", handlers, onState: (s) => states.push(s), refreshEvery: 60000 });
  const last = () => sockets[sockets.length - 1];
  for (let i = 0; i < 7; i++) { last().drop(); reconnect(); }   // the server is away
  const awayWaits = waits.splice(0);
  last().open();
  const statesBeforeSnapshot = states.length;
  last().receive({ type: "snapshot" });
  last().receive({ type: "checkin" });
  last().receive({ type: "toString" });                      // no handler: ignored
  refresh();
  const sent = last().sent.slice();
  last().drop(); reconnect();                                 // back, so the backoff starts over
  last().open(); last().drop(); reconnect();                  // opened, but no snapshot: no fresh start
  random = 0.25;
  last().drop(); reconnect();
  return {
    url: sockets[0].url.replace(/^ws:\\/\\/[^/]+/, ""),
    awayWaits: awayWaits.map((ms) => Math.round(ms / 0.999)),
    statesBeforeSnapshot: states.slice(0, statesBeforeSnapshot),
    states: states.slice(statesBeforeSnapshot),
    messages,
    intervals,
    sent,
    laterWaits: waits.map((ms) => Math.round(ms)),
  };
}"""


def test_backoff_with_full_jitter_and_a_snapshot_after_every_reconnect(anonymous_context, event):
    page = anonymous_context.new_page()
    page.goto("/privacy/")

    result = page.evaluate(DRIVE, static("events/live-socket.js"))

    assert result["url"] == "/ws/test/"
    # Bounds 1, 2, 4, 8, 16, 30, 30 s (times Math.random: full jitter).
    assert result["awayWaits"] == [1000, 2000, 4000, 8000, 16000, 30000, 30000]
    assert result["statesBeforeSnapshot"] == ["connecting"] + ["offline", "connecting"] * 7
    assert result["states"] == ["online"] + ["offline", "connecting"] * 3
    assert result["messages"] == ["snapshot", "checkin"]
    assert result["intervals"] == [60000, 60000]
    assert result["sent"] == ['{"type":"snapshot"}']
    assert result["laterWaits"] == [999, 1998, round(0.25 * 4000)]


ENDED = """async (module) => {
  const sockets = [];
  class StandIn extends EventTarget {
    constructor(url) { super(); this.readyState = 0; sockets.push(this); }
    send() {}
    close(code) { this.readyState = 3; this.dispatchEvent(new CloseEvent("close", { code })); }
  }
  StandIn.OPEN = 1;
  window.WebSocket = StandIn;
  let waits = 0;
  window.setTimeout = () => { waits += 1; return waits; };
  const { connectLive } = await import(module);
  const result = {};
  for (const code of [4401, 4403, 1006]) {
    const before = sockets.length;
    const states = [];
    waits = 0;
    connectLive({ path: "/ws/test/", handlers: {}, onState: (s) => states.push(s) });
    sockets[sockets.length - 1].close(code);
    result[code] = { states, reconnects: waits, sockets: sockets.length - before };
  }
  return result;
}"""


def test_a_socket_whose_right_ended_is_not_reconnected(anonymous_context, event):
    page = anonymous_context.new_page()
    page.goto("/privacy/")

    result = page.evaluate(ENDED, static("events/live-socket.js"))

    ended = {"states": ["connecting", "ended"], "reconnects": 0, "sockets": 1}
    assert result == {
        "4401": ended,
        "4403": ended,
        "1006": {"states": ["connecting", "offline"], "reconnects": 1, "sockets": 1},
    }
