"""The whole day simulated: `python -m bench.day`.

PostgreSQL, Redis's channel layer and `--processes` daphne processes (default 2; sockets and
requests spread over them round-robin, a stand-in for the proxy), one fresh database with the demo
day, mails sent as the application sends them by default (`EMAIL_DELIVERY=thread`, the process's
sender thread after the answer; `--email-delivery inline` as the other benches), then the day in
phases, every socket of phase 1 held open through all of them:

1. `sockets`: an attendee's `/ws/programme/` socket per attendee (700), 20 scanner phones (devices
   made with `checkin.services.create_device`), 10 `/ws/dashboard/` sockets (bearer token) and the
   wall (`GET /netwerk/muur/` and its `/ws/netwerk/` socket). A phone does what the scanner page
   does (checkin/static/checkin/scanner/): `GET /api/v1/checkin/scanner` and the offline list
   `GET /api/v1/checkin/list` at boot, the list again every 60 s (main.js `LIST_REFRESH`) with its
   ETag in If-None-Match (a 304 while it is current), its door's announcements
   `GET /api/v1/checkin/announcements` every 15 s (announcements.js `POLL`) and at once when its
   `/ws/programme/` socket carries an announcement. The phones poll from the
   first phase to the last; their requests are reported per phase.
2. `rush`: 700 `POST /api/v1/registrations` from 50 clients (bench.registration's payloads),
   then the capacity check in the database.
3. `arrival`: the rush's 700 badges redeemed at 10 entrance doors (10 of the phones) within
   3 minutes along bench.arrival's curve (triangular, its peak at two thirds), each door one scan
   at a time; every dashboard must get every check-in.
4. `workshop_moved`: an organiser moves a workshop to a free room of its round through the
   planning board's `POST /api/v1/board/apply` (bearer token, scope programme), and back, a few
   times; per programme socket (attendees' and phones') the time from writing the request to that
   move's `workshop` message.
5. `announcement_and_poll`: a room socket per voter on the first plenary session's live room
   (`/ws/room/<code>/`) and its big screen (`?screen=1`), then `POST /api/v1/announcements` to every
   socket of the day; then a poll in that room and the 700 attendees of the rush vote through
   `POST /api/v1/registrations/<token>/votes`, paced evenly over 9 s of the 10 (not as fast as
   possible): lost and double votes, the big screen's delay per vote, the phones' final result.

Per phase: throughput, p50/p95/p99, errors, messages missing, the phones' background requests,
per daphne process its sockets, resident memory (max and at the end) and CPU (% of a core), the
PostgreSQL server's CPU and the connections to the run's database (sampled twice a second). The
JSON goes to stdout and bench/results/day.json; `--chart` writes bench/day.svg from it (p99 per
phase against its target, RSS and CPU per process over the day). Without PostgreSQL and Redis it
prints `skipped` with the reason. It measures; it asserts nothing.
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import subprocess
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from bench.arrival import WINDOW_MINUTES, arrival_seconds
from bench.baseline import warm_up
from bench.checkin import burst_badges, scanner_tokens
from bench.client import Client, ConnectionError_, Load, Result, latency_ms, run_load, summarise
from bench.common import BURST_DOMAIN, Run, bearer, close_db, keep_result, statuses
from bench.messages import organiser_token
from bench.poll import counted
from bench.registration import check_capacity, payloads
from bench.registration import programme as bookable_programme
from bench.runner import guarded, load_average, log, pick
from bench.servers import (
    PG_HOST,
    PG_PORT,
    PG_USER,
    REDIS_URL,
    ROOT,
    Server,
    Setup,
    Watch,
    cpu_seconds,
    daphnes,
    drop_database,
    pg_database,
    postgres_available,
    prepare_database,
    redis_available,
    resident_kib,
    server_log_tail,
    setup_django,
)

DATABASE = "dld_bench_day"
ATTENDEES = 700
SCANNERS = 20
DOORS = 10
DASHBOARDS = 10
RUSH_CLIENTS = 50
ARRIVAL_S = 180.0
POLL_S = 10.0
SEND_SHARE = 0.9  # the votes go out over the first 90 % of POLL_S: their answers fit within it
VOTE_CLIENTS = 64
MOVES = 4
# The scanner page's intervals (checkin/static/checkin/scanner/main.js, announcements.js).
LIST_REFRESH_S = 60.0
ANNOUNCEMENTS_POLL_S = 15.0
SEED = 20
PROBE = "/api/v1/municipalities?q=GM0307"
STARTUP_TIMEOUT = 180.0
CONNECT_CONCURRENCY = 20  # daphne drops a handshake the application has not accepted within 5 s
CONNECT_ATTEMPTS = 5
DELIVERY_TIMEOUT = 15.0
SAMPLE_S = 0.5
TARGETS = {
    "errors": 0,
    "messages_missing": 0,
    "checkin_p99_ms": 50,
    "push_p99_ms": 500,
    "rss_mib_per_process_with_500_sockets": 300,
}
CHART = Path(__file__).resolve().parent / "day.svg"
perf = time.perf_counter


# Measuring: the processes sampled over the day, each phase's window of it.


@dataclass(slots=True)
class Sample:
    at: float
    rss_kib: list[int]
    cpu_s: list[float]
    pg_connections: int


class Sampler(threading.Thread):
    """Every SAMPLE_S: each daphne's resident memory and CPU so far, and the connections to the run's
    database (pg_stat_activity; the sampler's own is to `postgres` and not counted)."""

    def __init__(self, servers: list[Server]):
        super().__init__(daemon=True)
        self.pids = [server.pid for server in servers]
        self.samples: list[Sample] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
        ) as db:
            while not self.stopped.is_set():
                row = db.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (pg_database(),)
                ).fetchone()
                self.samples.append(
                    Sample(
                        perf(),
                        [resident_kib(pid) for pid in self.pids],
                        [cpu_seconds(pid) for pid in self.pids],
                        row[0] if row else 0,
                    )
                )
                self.stopped.wait(SAMPLE_S)

    def window(self, started: float, ended: float) -> list[Sample]:
        return [sample for sample in list(self.samples) if started <= sample.at <= ended]


@dataclass(slots=True)
class Polled:
    """One of the phones' background requests."""

    at: float
    name: str
    result: Result


@dataclass(eq=False)
class LiveSocket:
    kind: str  # programme, phone, dashboard, wall, room, screen
    port: int
    socket: Any
    counts: Counter = field(default_factory=Counter)
    closed: bool = False
    on_message: Callable[[str, str, float], None] | None = None  # (type, text, arrival)


class Expectation:
    """The arrival, on each of `targets`, of the first message that `match` accepts."""

    def __init__(self, targets: list[LiveSocket], match: Callable[[dict], bool]):
        self.targets = {id(live): live for live in targets}
        self.match = match
        self.arrivals: dict[int, float] = {}
        self.done = asyncio.Event()
        if not self.targets:
            self.done.set()

    def offer(self, live: LiveSocket, message: dict, at: float) -> None:
        key = id(live)
        if key in self.targets and key not in self.arrivals and self.match(message):
            self.arrivals[key] = at
            if len(self.arrivals) >= len(self.targets):
                self.done.set()

    async def wait(self, timeout: float = DELIVERY_TIMEOUT) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.done.wait(), timeout)

    def delays(self, started: float, kind: str | None = None) -> list[float]:
        return [
            at - started
            for key, at in self.arrivals.items()
            if kind is None or self.targets[key].kind == kind
        ]

    def missing(self, kind: str | None = None) -> int:
        return sum(
            1
            for key, live in self.targets.items()
            if key not in self.arrivals and (kind is None or live.kind == kind)
        )


class Day:
    """The day's servers, its open sockets (each with a listener), what the phones polled, the
    sampler and the phases' windows."""

    def __init__(self, servers: list[Server], sampler: Sampler):
        self.servers = servers
        self.ports = [server.port for server in servers]
        self.sampler = sampler
        self.sockets: list[LiveSocket] = []
        self.listeners: list[asyncio.Task] = []
        self.expectations: list[Expectation] = []
        self.polled: list[Polled] = []
        self.background: list[asyncio.Task] = []
        self.phases: list[dict] = []
        self.refused: Counter[str] = Counter()
        self.turn = 0
        self.gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    def next_port(self) -> int:
        self.turn += 1
        return self.ports[(self.turn - 1) % len(self.ports)]

    async def open(
        self, kind: str, path: str, headers: dict[str, str] | None = None, port: int = 0
    ) -> LiveSocket | None:
        """A socket on `path` (the next port round-robin unless `port`), once its first message
        (the snapshot) is in; a refused handshake is tried again, as the pages' sockets do."""
        port = port or self.next_port()
        async with self.gate:
            for attempt in range(CONNECT_ATTEMPTS):
                try:
                    socket = await connect(
                        f"ws://127.0.0.1:{port}{path}",
                        additional_headers=headers,
                        proxy=None,
                        max_size=None,
                        open_timeout=60,
                    )
                    first = json.loads(await asyncio.wait_for(socket.recv(), 60))
                    break
                except Exception as error:  # counted: the figures say how many opened
                    self.refused[f"{kind}: {type(error).__name__}"] += 1
                    await asyncio.sleep(attempt + 1)
            else:
                return None
        live = LiveSocket(kind, port, socket)
        live.counts[str(first.get("type", "unknown"))] += 1
        self.sockets.append(live)
        self.listeners.append(asyncio.create_task(self.listen(live)))
        return live

    async def listen(self, live: LiveSocket) -> None:
        with contextlib.suppress(Exception):  # a broken socket ends its listener: counted as closed
            async for raw in live.socket:
                at = perf()
                kind = message_type(raw)
                live.counts[kind] += 1
                if self.expectations:  # parsed only when something waits for a message
                    message = json.loads(raw)
                    for expectation in self.expectations:
                        expectation.offer(live, message, at)
                if live.on_message is not None:
                    live.on_message(kind, raw, at)
        live.closed = True

    def expect(self, kinds: set[str], match: Callable[[dict], bool]) -> Expectation:
        expectation = Expectation([s for s in self.sockets if s.kind in kinds and not s.closed], match)
        self.expectations.append(expectation)
        return expectation

    def of(self, kind: str) -> list[LiveSocket]:
        return [live for live in self.sockets if live.kind == kind]

    async def close(self) -> None:
        for task in self.background + self.listeners:
            task.cancel()
        await asyncio.gather(*(live.socket.close() for live in self.sockets), return_exceptions=True)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[dict]:
        """Around one phase: its figures (filled by the phase) plus the processes' resources, the
        phones' requests and the sockets, measured over the phase's window."""
        log(f"day: {name}")
        figures: dict = {"load_average_1min_before": load_average()[0]}
        polled_from = len(self.polled)
        closed_before = sum(live.closed for live in self.sockets)
        watch = Watch(self.servers, f"postgres-day-{name}", False)
        watch.__enter__()
        started = perf()
        try:
            yield figures
        finally:
            ended = perf()
            watch.__exit__(None, None, None)
            figures["phase_s"] = round(ended - started, 1)
            figures["load_average_1min_after"] = load_average()[0]
            figures["phones_polling"] = polled_summary(self.polled[polled_from:])
            figures["sockets_closed_by_server"] = sum(live.closed for live in self.sockets) - closed_before
            figures["processes"] = self.resources(started, ended)
            figures["server_cpu_s"] = round(watch.server_cpu, 2)
            figures["postgres_cpu_s"] = round(watch.postgres_cpu, 2)
            samples = self.sampler.window(started, ended)
            figures["postgres_connections_max"] = max((s.pg_connections for s in samples), default=None)
            self.phases.append({"name": name, "started": started, "ended": ended})

    def resources(self, started: float, ended: float) -> list[dict]:
        samples = self.sampler.window(started, ended)
        rows = []
        for index, server in enumerate(self.servers):
            rss = [sample.rss_kib[index] for sample in samples]
            cpu = (
                (samples[-1].cpu_s[index] - samples[0].cpu_s[index]) / (samples[-1].at - samples[0].at)
                if len(samples) > 1
                else None
            )
            rows.append(
                {
                    "port": server.port,
                    "sockets_open": sum(1 for s in self.sockets if s.port == server.port and not s.closed),
                    "rss_mib_max": round(max(rss) / 1024, 1) if rss else None,
                    "rss_mib_end": round(rss[-1] / 1024, 1) if rss else None,
                    "cpu_percent_of_a_core": round(cpu * 100, 1) if cpu is not None else None,
                }
            )
        return rows


def message_type(raw: str | bytes) -> str:
    """A message's `type` without parsing it all (the rush sends each programme socket a `workshop`
    message per booking): the first "type" in the text, which the server writes first."""
    text = raw if isinstance(raw, str) else raw.decode()
    at = text.find('"type": "')
    return text[at + 9 : text.find('"', at + 9)] if at >= 0 else "unknown"


def polled_summary(polled: list[Polled]) -> dict:
    by_name: dict[str, list[Result]] = {}
    for entry in polled:
        by_name.setdefault(entry.name, []).append(entry.result)
    return {
        name: {
            "count": len(results),
            "errors": sum(not result.ok for result in results),
            "errors_by_status": dict(Counter(str(result.status) for result in results if not result.ok)),
            **({"not_modified": not_modified} if (not_modified := sum(r.status == 304 for r in results)) else {}),
            "latency_ms": latency_ms(result.latency for result in results),
        }
        for name, results in sorted(by_name.items())
    }


async def timed(
    client: Client, method: str, path: str, body: Any = None, headers: dict | None = None
) -> Result:
    started = perf()
    try:
        response = await client.request(method, path, body, headers)
    except (OSError, ConnectionError_, asyncio.IncompleteReadError, TimeoutError) as error:
        return Result(path, f"connection_error:{type(error).__name__}", perf() - started)
    return Result(path, response.status, perf() - started, response.body, response.etag)


def figures_of(results: list[Result], wall: float) -> dict:
    return summarise(Load(results=results, wall=wall))


# The bench process's own ORM work, before the day and between phases (in a thread: the day's
# event loop runs in this one).


@dataclass
class Prepared:
    phones: list[str]
    dashboards: list[str]
    organiser: str


def prepare() -> Prepared:
    return Prepared(
        phones=scanner_tokens(SCANNERS, "door"),
        dashboards=scanner_tokens(DASHBOARDS, "dashboard"),
        organiser=organiser_token(("programme", "messages")),
    )


def a_move() -> tuple[int, int, int, int]:
    """(workshop, its version, its room, a free room of its round that seats its capacity)."""
    from events.models import Event, Room, Workshop

    event = Event.objects.current()
    rooms = list(Room.objects.filter(event=event).order_by("-capacity", "pk"))
    workshops = Workshop.objects.filter(
        round__event=event, round__kind="workshops", status=Workshop.Status.SCHEDULED
    ).order_by("round__starts_at", "pk")
    for workshop in workshops:
        taken = set(
            Workshop.objects.filter(round=workshop.round)
            .exclude(status=Workshop.Status.CANCELLED)
            .values_list("room_id", flat=True)
        )
        free = [room for room in rooms if room.pk not in taken and room.capacity >= workshop.capacity]
        if free:
            close_db()
            return workshop.pk, workshop.sequence, workshop.room_id, free[-1].pk
    close_db()
    raise RuntimeError("no workshop has a free room of its size in its round")


def plenary_poll() -> tuple[int, str]:
    """An open poll in the first plenary session's live room: (poll id, room code)."""
    from events.models import Event, Workshop
    from events.room import services as room_services

    event = Event.objects.current()
    session = (
        Workshop.objects.filter(round__event=event, round__kind="plenary")
        .order_by("round__starts_at", "pk")
        .first()
    )
    if session is None:
        raise RuntimeError("the demo day has no plenary session")
    poll = room_services.create_poll(
        session,
        question="Wat moet de gemeenteraad als eerste aanpakken?",
        kind="single",
        options=["A", "B", "C"],
    )
    room_services.open_poll(poll)
    code = room_services.room_for(session).code
    close_db()
    return poll.pk, code


def votes_counted(poll_id: int) -> dict:
    figures = counted(poll_id)
    close_db()
    return figures


# The phones in the background.


async def poll_every(
    day: Day, client: Client, headers: dict, path: str, name: str, interval: float, *, conditional: bool = False
) -> None:
    """`conditional`: with the last answer's ETag in If-None-Match, as the scanner asks for its list
    (checkins.js `refreshList`)."""
    etag = ""
    while True:
        started = perf()
        asked = {**headers, "If-None-Match": etag} if conditional and etag else headers
        result = await timed(client, "GET", path, None, asked)
        day.polled.append(Polled(started, name, result))
        if result.status == 200:
            etag = result.etag
        await asyncio.sleep(max(interval - (perf() - started), 0.0))


async def scanner_phone(day: Day, token: str, index: int) -> None:
    """What a paired scanner page does all day, its door's socket opened by the caller."""
    client = Client(day.ports, start=index)
    headers = bearer(token)
    day.polled.append(
        Polled(perf(), "scanner", await timed(client, "GET", "/api/v1/checkin/scanner", None, headers))
    )
    await asyncio.gather(
        poll_every(
            day, client, headers, "/api/v1/checkin/list", "offline_list", LIST_REFRESH_S, conditional=True
        ),
        poll_every(
            day, client, headers, "/api/v1/checkin/announcements", "announcements", ANNOUNCEMENTS_POLL_S
        ),
    )


def nudge(day: Day, token: str, index: int) -> Callable[[dict, float], None]:
    """The phone asks for its door's announcements at once when its socket says one was posted."""
    client = Client(day.ports, start=index)

    async def ask() -> None:
        path = "/api/v1/checkin/announcements"
        day.polled.append(
            Polled(perf(), "announcements_nudged", await timed(client, "GET", path, None, bearer(token)))
        )

    def on_message(kind: str, _raw: str, _at: float) -> None:
        if kind in {"announcement", "announcement_withdrawn"}:
            day.background.append(asyncio.create_task(ask()))

    return on_message


# The phases.


async def sockets_phase(day: Day, prepared: Prepared, attendees: int) -> dict:
    with day.phase("sockets") as figures:
        started = perf()
        wall_client = Client([day.ports[0]])
        wall_page = await timed(wall_client, "GET", "/netwerk/muur/")
        wall_client.close()
        await day.open("wall", "/ws/netwerk/")
        for token in prepared.dashboards:
            await day.open("dashboard", "/ws/dashboard/", bearer(token))
        for index, token in enumerate(prepared.phones):
            phone = await day.open("phone", "/ws/programme/")
            if phone is not None:
                phone.on_message = nudge(day, token, index)
            day.background.append(asyncio.create_task(scanner_phone(day, token, index)))
        await asyncio.gather(*(day.open("programme", "/ws/programme/") for _ in range(attendees)))
        await asyncio.sleep(2.0)  # settled: buffers freed, tasks parked
        figures.update(
            {
                "wall_page": {
                    "status": wall_page.status,
                    "ms": round(wall_page.latency * 1000, 1),
                    "bytes": len(wall_page.body),
                },
                "opened": dict(Counter(live.kind for live in day.sockets)),
                "handshakes_refused_and_retried": dict(day.refused),
                "open_all_s": round(perf() - started, 1),
            }
        )
    return figures


CONVERGE_S = 30.0  # after the rush's 3 s: the longest wait for every socket's final seat counts


def seat_tracker(seen: dict[int, tuple[int, int]], older: list[int]) -> Callable[[str, str, float], None]:
    """Keeps the seat count (booked, waitlisted) a programme socket shows per workshop: as the
    programme page does, the one of the highest revision it heard. Counts in `older[0]` the events
    that arrived after a newer one (the page leaves them unshown)."""
    revisions: dict[int, int] = {}

    def on_message(kind: str, raw: str, _at: float) -> None:
        if kind == "workshop":
            workshop = json.loads(raw)["workshop"]
            if workshop["revision"] >= revisions.get(workshop["id"], -1):
                revisions[workshop["id"]] = workshop["revision"]
                seen[workshop["id"]] = (workshop["booked"], workshop["waitlisted"])
            else:
                older[0] += 1

    return on_message


def seat_counts() -> dict[int, tuple[int, int]]:
    """What the programme's `workshop` messages would say now, per workshop: (booked, waitlisted)."""
    from events import live
    from events.models import Workshop

    ids = list(Workshop.objects.values_list("pk", flat=True))
    counts = {
        message["workshop"]["id"]: (message["workshop"]["booked"], message["workshop"]["waitlisted"])
        for _groups, message in live.workshop_messages(ids)
    }
    close_db()
    return counts


async def rush_phase(day: Day, attendees: int) -> tuple[dict, list[str]]:
    codes, rounds = await asyncio.to_thread(bookable_programme, day.ports[0])
    items = payloads(codes, rounds, attendees, BURST_DOMAIN)
    programme_sockets = day.of("programme")
    seen: list[dict[int, tuple[int, int]]] = [{} for _ in programme_sockets]
    older = [0]
    for live, last in zip(programme_sockets, seen, strict=True):
        live.on_message = seat_tracker(last, older)
    with day.phase("rush") as figures:
        before = [live.counts["workshop"] for live in programme_sockets]
        load = await run_load(
            day.ports,
            RUSH_CLIENTS,
            items,
            lambda item, _client: ("POST", "/api/v1/registrations", item, None),
            keep_body=True,
        )
        await asyncio.sleep(3.0)  # the last registrations' messages on their way
        received = [
            live.counts["workshop"] - first for live, first in zip(programme_sockets, before, strict=True)
        ]
        figures.update(summarise(load))
        figures["what"] = f"{attendees} POST /api/v1/registrations, {RUSH_CLIENTS} clients"
        # Not one per booking: each process sends the figures of the workshops changed since its last
        # batch, one batch per LIVE_WORKSHOP_INTERVAL. What counts is that every socket ends with the
        # final figures (`after_the_rush`).
        figures["workshop_messages_received_per_programme_socket"] = {
            "min": min(received, default=0),
            "mean": round(sum(received) / max(len(received), 1), 1),
            "max": max(received, default=0),
        }
    figures["database_check"] = await asyncio.to_thread(check_capacity)
    now = await asyncio.to_thread(seat_counts)

    def stale() -> list[int]:
        return [sum(1 for workshop, counts in last.items() if now.get(workshop) != counts) for last in seen]

    at_3_s = stale()
    # The figures go out a few times a second per process (events.live.WorkshopNews), read at
    # that moment: how long until every socket has the final ones, if they ever do.
    waited = 0.0
    while any(stale()) and waited < CONVERGE_S:
        await asyncio.sleep(0.5)
        waited += 0.5
    figures["after_the_rush"] = {
        "what": "per programme socket, the workshops whose last seat count it heard differs from the database's",
        "sockets_with_a_stale_seat_count": sum(1 for count in at_3_s if count),
        "stale_workshop_counts_per_socket_max": max(at_3_s, default=0),
        "every_socket_current_after_s": round(3.0 + waited, 1) if not any(stale()) else None,
        f"sockets_still_stale_after_{3 + CONVERGE_S:.0f}_s": sum(1 for count in stale() if count),
        "events_older_than_one_heard_before": older[0],
    }
    for live in programme_sockets:
        live.on_message = None
    tokens = [
        result.json()["manage_url"].rstrip("/").rsplit("/", 1)[-1] for result in load.results if result.ok
    ]
    return figures, tokens


async def arrival_phase(day: Day, prepared: Prepared, window_s: float) -> dict:
    badges = await asyncio.to_thread(burst_badges)  # the rush is the burst's registrations
    rng = random.Random(SEED)
    # bench.arrival's morning curve (30 minutes before the opening) squeezed into `window_s`.
    moments = [
        (at / 60 + WINDOW_MINUTES) / WINDOW_MINUTES * window_s for at in arrival_seconds(len(badges), rng)
    ]
    doors: list[list[tuple[float, str]]] = [[] for _ in range(DOORS)]
    for moment, badge in zip(moments, badges, strict=True):
        doors[rng.randrange(DOORS)].append((moment, badge))
    results: list[Result] = []
    lags: list[float] = []
    dashboards = day.of("dashboard")

    async def door(index: int, queue: list[tuple[float, str]], started: float) -> None:
        client = Client(day.ports, start=index)
        headers = bearer(prepared.phones[index])
        for moment, badge in queue:
            await asyncio.sleep(max(started + moment - perf(), 0.0))
            lags.append(perf() - started - moment)  # the door was still busy with the one before
            body = {"secret": badge, "nonce": uuid.uuid4().hex}
            results.append(await timed(client, "POST", "/api/v1/checkin/redeem", body, headers))
        client.close()

    with day.phase("arrival") as figures:
        before = [live.counts["checkin"] for live in dashboards]
        started = perf()
        await asyncio.gather(*(door(index, queue, started) for index, queue in enumerate(doors)))
        wall = perf() - started
        ok = statuses(results).get("ok", 0)
        deadline = perf() + DELIVERY_TIMEOUT
        while perf() < deadline and any(
            live.counts["checkin"] - first < ok for live, first in zip(dashboards, before, strict=True)
        ):
            await asyncio.sleep(0.1)
        received = sum(live.counts["checkin"] - first for live, first in zip(dashboards, before, strict=True))
        per_10_s = Counter(int(moment // 10) for moment in moments)
        figures.update(figures_of(results, wall))
        figures.update(
            {
                "what": f"{len(badges)} badges at {DOORS} doors within {window_s:g} s (bench.arrival's curve), "
                "each door one scan at a time",
                "answers": statuses(results),
                "arrivals_per_10_s": [per_10_s.get(n, 0) for n in range(int(window_s // 10) + 1)],
                "peak_arrivals_per_s": round(max(per_10_s.values(), default=0) / 10, 1),
                "door_busy_lag_ms": latency_ms(lags),
                "dashboards": len(dashboards),
                "dashboard_checkin_messages": received,
                "dashboard_messages_missing": ok * len(dashboards) - received,
            }
        )
    return figures


async def moved_phase(day: Day, prepared: Prepared) -> dict:
    workshop, version, home, away = await asyncio.to_thread(a_move)
    headers = bearer(prepared.organiser)
    client = Client([day.ports[0]])
    moves = []
    deliveries: list[float] = []
    with day.phase("workshop_moved") as figures:
        for index in range(MOVES):
            room = away if index % 2 == 0 else home
            seen = version
            expectation = day.expect(
                {"programme", "phone"},
                lambda message, seen=seen: (
                    message.get("type") == "workshop"
                    and message["workshop"]["id"] == workshop
                    and message["workshop"]["sequence"] > seen
                ),
            )
            started = perf()
            answer = await timed(
                client,
                "POST",
                "/api/v1/board/apply",
                {"workshop": workshop, "version": version, "room": room},
                headers,
            )
            if answer.ok:
                card = next(c for c in answer.json()["workshops"] if c["id"] == workshop)
                version = card["version"]
                await expectation.wait()
            else:
                expectation.done.set()
            day.expectations.remove(expectation)
            deliveries.extend(expectation.delays(started))
            moves.append(
                {
                    "status": answer.status,
                    "answer_ms": round(answer.latency * 1000, 1),
                    "sockets": len(expectation.targets),
                    "missing": expectation.missing(),
                    "push_ms": latency_ms(expectation.delays(started)),
                }
            )
            await asyncio.sleep(1.0)
        figures.update(
            {
                "what": f"workshop {workshop} moved between rooms {home} and {away} {MOVES}×, POST /api/v1/board/apply; "
                "clock from writing the request to each programme socket's `workshop` message",
                "errors": sum(1 for move in moves if move["status"] != 200),
                "messages_missing": sum(move["missing"] for move in moves),
                "push_ms": latency_ms(deliveries),
                "moves": moves,
            }
        )
    client.close()
    return figures


async def announcement(day: Day, prepared: Prepared) -> dict:
    text = f"Bench: de plenaire sessie begint over 5 minuten ({uuid.uuid4().hex[:6]})"
    kinds = {live.kind for live in day.sockets}
    expectation = day.expect(
        kinds, lambda message: message.get("type") == "announcement" and message.get("text") == text
    )
    client = Client([day.ports[0]])
    started = perf()
    answer = await timed(client, "POST", "/api/v1/announcements", {"text": text}, bearer(prepared.organiser))
    if answer.ok:
        await expectation.wait()
    day.expectations.remove(expectation)
    client.close()
    return {
        "status": answer.status,
        "answer_ms": round(answer.latency * 1000, 1),
        "sockets": len(expectation.targets),
        "errors": 0 if answer.ok else 1,
        "messages_missing": expectation.missing(),
        "missing_by_kind": {kind: expectation.missing(kind) for kind in sorted(kinds)},
        "push_ms": latency_ms(expectation.delays(started)),
        "push_p99_ms_by_kind": {
            kind: latency_ms(expectation.delays(started, kind))["p99"] for kind in sorted(kinds)
        },
    }


async def plenary_poll_votes(
    day: Day, tokens: list[str], poll_id: int, screen: LiveSocket, poll_s: float
) -> dict:
    screen_seen: list[tuple[float, int]] = []

    def on_screen(kind: str, raw: str, at: float) -> None:
        if kind != "poll":
            return
        message = json.loads(raw)
        if message["poll"]["id"] == poll_id:
            screen_seen.append((at, message["poll"]["results"]["votes"]))

    screen.on_message = on_screen
    phones_final = day.expect(
        {"room"},
        lambda message: (
            message.get("type") == "poll"
            and message["poll"]["id"] == poll_id
            and message["poll"]["results"]["votes"] >= len(tokens)
        ),
    )
    pool: asyncio.Queue[Client] = asyncio.Queue()
    for index in range(VOTE_CLIENTS):
        pool.put_nowait(Client(day.ports, start=index))
    answered: list[tuple[float, Result]] = []
    spacing = poll_s * SEND_SHARE / max(len(tokens), 1)

    async def vote(index: int, token: str, started: float) -> None:
        await asyncio.sleep(max(started + index * spacing - perf(), 0.0))
        client = await pool.get()
        body = {"poll": poll_id, "choices": [index % 3]}
        result = await timed(client, "POST", f"/api/v1/registrations/{token}/votes", body)
        answered.append((perf(), result))
        pool.put_nowait(client)

    started = perf()
    await asyncio.gather(*(vote(index, token, started) for index, token in enumerate(tokens)))
    sent = perf() - started
    await phones_final.wait()
    day.expectations.remove(phones_final)
    screen.on_message = None
    while not pool.empty():
        pool.get_nowait().close()
    accepted = sorted(at for at, result in answered if result.ok)
    delays = []
    for k, moment in enumerate(accepted, start=1):
        shown = next((at for at, votes in screen_seen if votes >= k and at >= moment), None)
        delays.append(shown - moment if shown is not None else DELIVERY_TIMEOUT)
    final = next((at for at, votes in screen_seen if votes >= len(accepted)), None)
    database = await asyncio.to_thread(votes_counted, poll_id)
    return {
        **figures_of([result for _at, result in answered], sent),
        "votes_sent_in_s": round(sent, 2),
        "votes_accepted": len(accepted),
        **database,
        "lost_votes": len(accepted) - database["votes_in_database"],
        "double_votes": database["votes_in_database"] - database["voters_in_database"],
        "screen_messages": len(screen_seen),
        "screen_delay_ms": latency_ms(delays),
        "screen_after_last_vote_ms": round((final - accepted[-1]) * 1000, 1) if final and accepted else None,
        "phones": len(phones_final.targets),
        "phones_without_the_final_result": phones_final.missing(),
        "phones_final_after_last_vote_ms": round(
            (max(phones_final.arrivals.values()) - accepted[-1]) * 1000, 1
        )
        if phones_final.arrivals and accepted
        else None,
    }


async def announcement_and_poll_phase(day: Day, prepared: Prepared, tokens: list[str], poll_s: float) -> dict:
    poll_id, code = await asyncio.to_thread(plenary_poll)
    with day.phase("announcement_and_poll") as figures:
        started = perf()
        screen = await day.open("screen", f"/ws/room/{code}/?screen=1", port=day.ports[0])
        await asyncio.gather(*(day.open("room", f"/ws/room/{code}/") for _ in tokens))
        await asyncio.sleep(2.0)
        figures["room_sockets_opened"] = len(day.of("room"))
        figures["room_sockets_open_s"] = round(perf() - started, 1)
        figures["announcement"] = await announcement(day, prepared)
        if screen is None:
            raise RuntimeError("the big screen's socket did not open")
        figures["poll"] = await plenary_poll_votes(day, tokens, poll_id, screen, poll_s)
    return figures


# The driver.


async def the_day(day: Day, prepared: Prepared, args: argparse.Namespace) -> dict:
    phases: dict[str, dict] = {}
    try:
        phases["sockets"] = await sockets_phase(day, prepared, args.attendees)
        phases["rush"], tokens = await rush_phase(day, args.attendees)
        phases["arrival"] = await arrival_phase(day, prepared, args.arrival_s)
        phases["workshop_moved"] = await moved_phase(day, prepared)
        phases["announcement_and_poll"] = await announcement_and_poll_phase(
            day, prepared, tokens, args.poll_s
        )
    except Exception as error:  # the phases so far still count; the next ones need this one
        log(f"day failed: {error!r}")
        phases["failed"] = {"error": repr(error), "traceback": traceback.format_exc()[-3000:]}
    finally:
        await day.close()
    return phases


def run_day(processes: int, args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="dld-bench-day-") as workdir:
        setup = Setup(
            database="postgres",
            processes=processes,
            workdir=Path(workdir),
            redis_url=REDIS_URL,
            prefix=f"dldbenchday{os.getpid()}p{processes}",
            extra_env={"EMAIL_DELIVERY": args.email_delivery, **args.server_env},
        )
        report: dict = {
            "processes": processes,
            "email_delivery": args.email_delivery,
            "server_env_overrides": args.server_env,
            "load_average_before": load_average(),
        }
        report.update(prepare_database(setup))
        setup_django(setup)
        try:
            prepared = prepare()
            with daphnes(setup, setup.app, processes, PROBE, timeout=STARTUP_TIMEOUT) as servers:
                warm_up(Run(setup, servers))
                sampler = Sampler(servers)
                sampler.start()
                day_started = perf()

                async def go() -> tuple[dict, Day]:
                    day = Day(servers, sampler)
                    return await the_day(day, prepared, args), day

                phases, day = asyncio.run(go())
                sampler.stopped.set()
                sampler.join()
                report["phases"] = phases
                report["timeline"] = timeline(sampler, day, day_started)
                report["server_log_tail"] = server_log_tail(servers, 4000)
        finally:
            close_db()
            drop_database(setup)
        report["load_average_after"] = load_average()
        report["summary"] = summary(report["phases"])
    return report


def timeline(sampler: Sampler, day: Day, origin: float) -> dict:
    """The samples for the chart: seconds since the first phase, RSS (MiB) and CPU (% of a core)
    per process, and where each phase began and ended."""
    samples = sampler.samples
    cpu = [
        [
            round((b.cpu_s[i] - a.cpu_s[i]) / (b.at - a.at) * 100, 1) if b.at > a.at else 0.0
            for a, b in itertools.pairwise(samples)
        ]
        for i in range(len(sampler.pids))
    ]
    return {
        "t_s": [round(sample.at - origin, 1) for sample in samples[1:]],
        "rss_mib": [
            [round(sample.rss_kib[i] / 1024, 1) for sample in samples[1:]] for i in range(len(sampler.pids))
        ],
        "cpu_percent": cpu,
        "pg_connections": [sample.pg_connections for sample in samples[1:]],
        "phases": [
            {
                "name": p["name"],
                "from_s": round(p["started"] - origin, 1),
                "to_s": round(p["ended"] - origin, 1),
            }
            for p in day.phases
        ],
    }


def summary(phases: dict) -> dict:
    """Per phase the headline figures next to the targets. Figures, not verdicts."""
    rows = {}
    for name, figures in phases.items():
        rows[name] = {
            "rss_mib_max_per_process": [p["rss_mib_max"] for p in figures.get("processes", [])],
            "sockets_per_process": [p["sockets_open"] for p in figures.get("processes", [])],
            "cpu_percent_per_process": [p["cpu_percent_of_a_core"] for p in figures.get("processes", [])],
            "postgres_connections_max": figures.get("postgres_connections_max"),
            "phones_polling_errors": sum(row["errors"] for row in figures.get("phones_polling", {}).values()),
            "load_average_1min": [
                figures.get("load_average_1min_before"),
                figures.get("load_average_1min_after"),
            ],
        }
    rows["sockets"].update({"opened": pick(phases, "sockets", "opened")})
    for name in ("rush", "arrival"):
        rows[name].update(
            {
                "rate_per_s": pick(phases, name, "rate_per_s"),
                "p50_p95_p99_ms": [pick(phases, name, "latency_ms", p) for p in ("p50", "p95", "p99")],
                "errors": pick(phases, name, "errors"),
            }
        )
    rows["rush"]["sockets_with_a_stale_seat_count_3_s_after"] = pick(
        phases, "rush", "after_the_rush", "sockets_with_a_stale_seat_count"
    )
    rows["rush"]["every_socket_current_after_s"] = pick(
        phases, "rush", "after_the_rush", "every_socket_current_after_s"
    )
    rows["rush"][f"sockets_never_current (target 0, {3 + CONVERGE_S:.0f} s)"] = pick(
        phases, "rush", "after_the_rush", f"sockets_still_stale_after_{3 + CONVERGE_S:.0f}_s"
    )
    rows["rush"]["workshops_over_capacity"] = len(
        pick(phases, "rush", "database_check", "workshops_over_capacity") or []
    )
    rows["arrival"]["checkin_p99_ms (target < 50)"] = pick(phases, "arrival", "latency_ms", "p99")
    rows["arrival"]["dashboard_messages_missing (target 0)"] = pick(
        phases, "arrival", "dashboard_messages_missing"
    )
    moved = phases.get("workshop_moved", {})
    rows["workshop_moved"].update(
        {
            "push_p50_p95_p99_ms (p99 target < 500)": [
                pick(moved, "push_ms", p) for p in ("p50", "p95", "p99")
            ],
            "errors": moved.get("errors"),
            "messages_missing (target 0)": moved.get("messages_missing"),
        }
    )
    last = phases.get("announcement_and_poll", {})
    rows["announcement_and_poll"].update(
        {
            "announcement_sockets": pick(last, "announcement", "sockets"),
            "announcement_push_p50_p95_p99_ms (p99 target < 500)": [
                pick(last, "announcement", "push_ms", p) for p in ("p50", "p95", "p99")
            ],
            "announcement_missing (target 0)": pick(last, "announcement", "messages_missing"),
            "votes_sent_in_s (within 10)": pick(last, "poll", "votes_sent_in_s"),
            "vote_p50_p95_p99_ms": [pick(last, "poll", "latency_ms", p) for p in ("p50", "p95", "p99")],
            "vote_errors": pick(last, "poll", "errors"),
            "lost_double_votes": [pick(last, "poll", "lost_votes"), pick(last, "poll", "double_votes")],
            "screen_delay_p99_ms": pick(last, "poll", "screen_delay_ms", "p99"),
            "screen_after_last_vote_ms": pick(last, "poll", "screen_after_last_vote_ms"),
            "phones_without_the_final_result (target 0)": pick(
                last, "poll", "phones_without_the_final_result"
            ),
        }
    )
    return rows


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.day", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--processes", default="2", help="daphne processes, e.g. 2 or 2,3 (one day per number)"
    )
    parser.add_argument(
        "--database", choices=["postgres"], default="postgres", help="only postgres (with Redis)"
    )
    parser.add_argument(
        "--attendees",
        type=int,
        default=ATTENDEES,
        help="attendees, check-ins and voters (smaller: a quick run)",
    )
    parser.add_argument("--arrival-s", type=float, default=ARRIVAL_S, help="the arrival window in seconds")
    parser.add_argument("--poll-s", type=float, default=POLL_S, help="the window the votes come in")
    parser.add_argument(
        "--email-delivery",
        choices=["thread", "inline"],
        default="thread",
        help="EMAIL_DELIVERY of the servers: the application's default, thread (mails rendered and sent in "
        "the process's sender thread after the answer), or inline as the other benches (in the request)",
    )
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for the servers, for what-if runs (e.g. MALLOC_ARENA_MAX=2); repeatable",
    )
    parser.add_argument("--chart", action="store_true", help=f"write {CHART.name} from the figures")
    args = parser.parse_args(argv)
    args.server_env = dict(item.split("=", 1) for item in args.server_env)
    args.process_counts = [int(n) for n in args.processes.split(",") if n.strip()]
    return args


def commit() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    return ""


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    os.environ.setdefault("BENCH_DATABASE", DATABASE)
    report: dict = {
        "what": __doc__.splitlines()[0],
        "commit": commit(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu_count": os.cpu_count(),
        "attendees": args.attendees,
        "arrival_s": args.arrival_s,
        "poll_s": args.poll_s,
        "targets": TARGETS,
    }
    if not (postgres_available() and redis_available()):
        report["skipped"] = "needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379"
        keep_result("day.json", report)
        return
    report["days"] = {
        f"processes_{count}": guarded(lambda count=count: run_day(count, args))
        for count in args.process_counts
    }
    keep_result("day.json", report)
    if args.chart:
        from bench.day_chart import write_chart

        write_chart(report, CHART)


if __name__ == "__main__":
    main()
