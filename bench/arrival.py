"""700 arrivals at the registration desks, with the server in the loop: `python -m bench.arrival`.

The morning of the day: 700 people arrive in the 30 minutes before the opening (simulated time,
0 = the opening). Arrival curve: triangular on [-30, 0] minutes with its peak 10 minutes before
the opening, so 83 % arrive in the last 20 minutes (a fixed seed: every run has the same people
at the same moments). One line for all desks and kiosks, first come first served: the next free
desk takes the first in line, the next free self check-in kiosk the first in line who can use one
(their QR at hand: 85 % of people, the same seed; the others need the desk).

Per person at a desk: the human part, simulated (greeting, the QR on a phone held up, the badge
handed over): a service time of 20 s with a spread (normal, sd 5 s, kept within 8..45 s, the same
seed), then the server part, real: the request the desk page makes when it scans a badge,
`POST /balie/` (form: the QR's `DLD1:` code and the label layout, with the paired desk's cookie
and the CSRF token), whose answer is the page with the printable badge. At a kiosk the person does
it alone, slower: 30 s ± 8 s within 15..60 s, then the tablet's real `POST /zelf/` (the same QR,
with the paired tablet's cookie). The badge is ready when that answer is in.

A discrete-event simulation, in simulated time: the station free first takes the next person, and
that person's server call is made for real at once, its answer time added to their time at the
station (not scaled). Nothing waits for the clock, so the calls of all stations come as fast as
the server answers them, many at once: far more load than the day's 0.4 calls a second, so the
server's share is pessimistic. (An earlier version ran the stations in real time compressed 120×;
a call's real time then let the simulated clock run on by 120 times as much, and stations out on
a call lost their turn: more stations could make the longest wait longer.)

Figures per setup of D desks and K kiosks (`--stations 8,10,12,14,4+4,…`, `D` or `D+K`): per
arrival, in simulated minutes, the wait in line (arrival to a desk or kiosk taking them) and the
time to badge (arrival to badge ready) p50/p95/max; the server calls' latency (real ms) and
answers; then the smallest number of desks alone, and per number of kiosks, whose every wait, and
whose every time to badge, stays under 3 minutes. Server figures in the same run, closed loop, 8
clients, 700 people each: the desk's call (`POST /balie/`) against the scanner's redeem
(`POST /api/v1/checkin/redeem`) as the baseline: requests/s and p50/p99 ms. Kept in
bench/results/arrival.json and printed. It measures; it asserts nothing.
"""

import argparse
import asyncio
import heapq
import json
import random
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from bench.client import Client, latency_ms, percentile, run_load, summarise
from bench.common import bearer, close_db, qr_payload, register_attendees
from bench.servers import (
    RESULTS,
    Setup,
    Watch,
    daphnes,
    drop_database,
    postgres_available,
    prepare_database,
    setup_django,
)

ARRIVALS = 700
WINDOW_MINUTES = 30.0  # arrivals from -30 to 0 (the opening)
PEAK_MINUTES = -10.0  # the triangle's top
SERVICE_S = 20.0
SERVICE_SD_S = 5.0
SERVICE_RANGE_S = (8.0, 45.0)
MAX_WAIT_MINUTES = 3.0
KIOSK_SERVICE_S = 30.0
KIOSK_SERVICE_SD_S = 8.0
KIOSK_SERVICE_RANGE_S = (15.0, 60.0)
KIOSK_SHARE = 0.85  # have their QR at hand and use the kiosk; the others need a desk
STATIONS = "6,8,9,10,11,12,14,4+4,6+4,8+2,8+4,9+2,9+4,10+2"
SEED = 15
LAYOUT = "62mm"
SERVER_CLIENTS = 8


def arrival_seconds(count: int, rng: random.Random) -> list[float]:
    """Simulated seconds relative to the opening, sorted."""
    return sorted(rng.triangular(-WINDOW_MINUTES, 0.0, PEAK_MINUTES) * 60 for _ in range(count))


def service_seconds(
    count: int, rng: random.Random, mean: float = SERVICE_S, sd: float = SERVICE_SD_S, within=SERVICE_RANGE_S
) -> list[float]:
    low, high = within
    return [min(high, max(low, rng.gauss(mean, sd))) for _ in range(count)]


def parse_stations(text: str) -> list[tuple[int, int]]:
    """Desks and kiosks per setup: "8,4+2" → [(8, 0), (4, 2)]."""
    setups = []
    for part in text.split(","):
        if part.strip():
            desks, _plus, kiosks = part.strip().partition("+")
            setups.append((int(desks), int(kiosks or 0)))
    return setups


def attendees(count: int) -> list[str]:
    """`count` confirmed attendees of the current event: their badges' QR payloads."""
    return [
        qr_payload(registration.badge_secret)
        for registration, _token in register_attendees(count, "Aankomst", "arrival.bench.example")
    ]


def desk_cookies(count: int, kind: str = "desk") -> list[str]:
    """A Cookie header per paired desk (or kiosk tablet, `kind` "self"): its signed device cookie
    (as pairing sets it); the CSRF token is added per request."""
    from django.http import HttpResponse

    from checkin import presence
    from checkin.models import Device
    from checkin.services import create_device
    from events.models import Event

    event = Event.objects.current()
    cookies = []
    for number in range(count):
        _device, token = create_device(event=event, name=f"Bench {kind} {number + 1}", kind=Device.Kind(kind))
        response = HttpResponse()
        presence.remember_device(response, token)
        cookies.append(f"{presence.DEVICE_COOKIE}={response.cookies[presence.DEVICE_COOKIE].value}")
    close_db()
    return cookies


def scanner_tokens(count: int) -> list[str]:
    from checkin.services import create_device
    from events.models import Event

    event = Event.objects.current()
    tokens = [create_device(event=event, name=f"Bench ingang {n + 1}")[1] for n in range(count)]
    close_db()
    return tokens


def forget_arrivals() -> None:
    """Nobody checked in or printed: the next run starts the morning again."""
    from checkin.models import BadgePrint, CheckIn, Scan

    BadgePrint.objects.all().delete()
    CheckIn.objects.all().delete()
    Scan.objects.all().delete()
    close_db()


class Desk:
    """What one desk's browser sends when it scans a badge (a kiosk tablet: `path` /zelf/)."""

    def __init__(self, cookie: str, path: str = "/balie/"):
        self.path = path
        self.csrf = secrets.token_hex(16)  # 32 characters, as Django's CSRF secret
        self.headers = {
            "Cookie": f"{cookie}; csrftoken={self.csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
        }

    def scan(self, payload: str) -> tuple[str, str, bytes, dict[str, str]]:
        form = urlencode({"csrfmiddlewaretoken": self.csrf, "code": payload, "layout": LAYOUT})
        return "POST", self.path, form.encode(), self.headers


def printed(body: bytes) -> bool:
    """The desk's answer holds a badge to print (the page prints it at once)."""
    return b"data-autoprint" in body


def minutes(values: list[float]) -> dict[str, float | None]:
    ordered = sorted(values)
    if not ordered:
        return {"p50": None, "p95": None, "max": None}
    return {
        "p50": round(percentile(ordered, 50) / 60, 2),
        "p95": round(percentile(ordered, 95) / 60, 2),
        "max": round(ordered[-1] / 60, 2),
    }


async def morning(
    port: int,
    setup: tuple[int, int],
    stations: dict[str, list[Desk]],
    payloads: list[str],
    arrivals: list[float],
    services: dict[str, list[float]],
    kiosk_ok: list[bool],
) -> dict:
    """The queue with `setup` (desks, kiosks) as a discrete-event simulation: the station that is
    free first (simulated time) takes the next person; its server call is real, and the answer's
    time is added to that person's time at the station. Calls of different stations overlap."""
    perf = time.perf_counter
    desks, kiosks = setup
    line = list(range(len(payloads)))  # in order of arrival
    working = [("desk", n) for n in range(desks)] + [("kiosk", n) for n in range(kiosks)]
    clients = [Client([port]) for _ in working]
    await asyncio.gather(*(client.connections[0].open() for client in clients))
    waits, to_badge, latencies, answers, served = [], [], [], Counter(), Counter()

    def next_person(kind: str) -> int | None:
        for place, person in enumerate(line):
            if kind == "desk" or kiosk_ok[person]:
                return line.pop(place)
        return None

    async def call(index: int, person: int) -> float:
        kind, number = working[index]
        method, path, body, headers = stations[kind][number].scan(payloads[person])
        sent = perf()
        try:
            response = await clients[index].request(method, path, body, headers)
            answers[str(response.status) + (" printed" if printed(response.body) else "")] += 1
        except Exception as error:  # a broken connection counts, the station goes on
            answers[f"error:{type(error).__name__}"] += 1
        return perf() - sent

    # (simulated time the station is free at the earliest, station); a station whose call is
    # still out has its person's (start, person, task) in `busy` and its key is start + human.
    free_at = [(arrivals[0], index) for index in range(len(working))]
    heapq.heapify(free_at)
    busy: dict[int, tuple[float, int, asyncio.Task]] = {}
    started = perf()
    while free_at:
        free, index = heapq.heappop(free_at)
        if index in busy:
            start, person, task = busy.pop(index)
            latency = await task
            done = free + latency
            served[working[index][0]] += 1
            waits.append(start - arrivals[person])
            to_badge.append(done - arrivals[person])
            latencies.append(latency)
            heapq.heappush(free_at, (done, index))
            continue
        person = next_person(working[index][0])
        if person is None:
            continue  # nobody left for this station
        start = max(free, arrivals[person])
        busy[index] = (start, person, asyncio.create_task(call(index, person)))
        heapq.heappush(free_at, (start + services[working[index][0]][person], index))
    wall = perf() - started
    for client in clients:
        client.close()
    return {
        "desks": desks,
        "kiosks": kiosks,
        "served": dict(sorted(served.items())),
        "wait_min": minutes(waits),
        "time_to_badge_min": minutes(to_badge),
        "every_wait_under_3_min": max(waits) < MAX_WAIT_MINUTES * 60,
        "every_badge_within_3_min": max(to_badge) < MAX_WAIT_MINUTES * 60,
        "server_call_ms": latency_ms(latencies),
        "answers": dict(sorted(answers.items())),
        "real_s": round(wall, 1),
    }


def server_load(run_port: int, servers, name: str, request_for, items: list[str], answer) -> dict:
    """`items` once each by SERVER_CLIENTS keep-alive clients as fast as they are answered; what
    `answer(body)` says of each answer, counted."""
    with Watch(servers, name, False) as watch:
        load = asyncio.run(run_load([run_port], SERVER_CLIENTS, items, request_for, keep_body=True))
    figures = summarise(load)
    figures["answers"] = dict(sorted(Counter(answer(result.body) for result in load.results).items()))
    figures.update(watch.figures(len(load.results)))
    return figures


def redeem_status(body: bytes) -> str:
    try:
        return str(json.loads(body).get("status"))
    except (ValueError, AttributeError):
        return "unparsable"


def desk_answer(body: bytes) -> str:
    return "printed" if printed(body) else "no badge"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arrivals", type=int, default=ARRIVALS)
    parser.add_argument(
        "--stations", default=STATIONS, help="setups to try, comma-separated: D desks or D+K desks and kiosks"
    )
    parser.add_argument("--database", choices=["auto", "sqlite", "postgres"], default="auto")
    args = parser.parse_args(argv)
    database = args.database
    if database == "auto":
        database = "postgres" if postgres_available() else "sqlite"
    setups = parse_stations(args.stations)
    rng = random.Random(SEED)
    arrivals = arrival_seconds(args.arrivals, rng)
    services = {
        "desk": service_seconds(args.arrivals, rng),
        "kiosk": service_seconds(
            args.arrivals, rng, KIOSK_SERVICE_S, KIOSK_SERVICE_SD_S, KIOSK_SERVICE_RANGE_S
        ),
    }
    kiosk_ok = [rng.random() < KIOSK_SHARE for _ in range(args.arrivals)]
    report: dict = {
        "arrivals": args.arrivals,
        "arrival_curve": f"triangular on [-{WINDOW_MINUTES:g}, 0] min, peak at {PEAK_MINUTES:g} min (seed {SEED})",
        "arriving_in_last_20_min": round(sum(1 for a in arrivals if a >= -20 * 60) / len(arrivals), 3),
        "service_s": f"normal {SERVICE_S:g} ± {SERVICE_SD_S:g} (sd), within {SERVICE_RANGE_S[0]:g}..{SERVICE_RANGE_S[1]:g}",
        "service_s_mean": round(sum(services["desk"]) / args.arrivals, 1),
        "kiosk_service_s": f"normal {KIOSK_SERVICE_S:g} ± {KIOSK_SERVICE_SD_S:g} (sd), within {KIOSK_SERVICE_RANGE_S[0]:g}..{KIOSK_SERVICE_RANGE_S[1]:g}",
        "kiosk_service_s_mean": round(sum(services["kiosk"]) / args.arrivals, 1),
        "can_use_a_kiosk": round(sum(kiosk_ok) / args.arrivals, 3),
        "database": database,
        "processes": 1,
    }
    with tempfile.TemporaryDirectory(prefix="dld-bench-arrival-") as workdir:
        setup = Setup(database=database, processes=1, workdir=Path(workdir))
        report.update(prepare_database(setup))
        setup_django(setup)
        try:
            payloads = attendees(args.arrivals)
            most_desks = max([*(desks for desks, _kiosks in setups), SERVER_CLIENTS])
            most_kiosks = max(kiosks for _desks, kiosks in setups)
            desks = [Desk(cookie) for cookie in desk_cookies(most_desks)]
            stations = {
                "desk": desks,
                "kiosk": [Desk(cookie, "/zelf/") for cookie in desk_cookies(most_kiosks, "self")],
            }
            tokens = scanner_tokens(SERVER_CLIENTS)
            with daphnes(setup, setup.app, 1, "/api/v1/openapi.json") as servers:
                port = servers[0].port

                def desk_call(item, client):
                    return desks[client].scan(item)

                def redeem_call(item, client):
                    return (
                        "POST",
                        "/api/v1/checkin/redeem",
                        {"secret": item, "nonce": uuid.uuid4().hex},
                        bearer(tokens[client]),
                    )

                redeem = server_load(
                    port, servers, f"{database}-redeem", redeem_call, payloads, redeem_status
                )
                forget_arrivals()
                desk = server_load(port, servers, f"{database}-desk", desk_call, payloads, desk_answer)
                forget_arrivals()
                report["server"] = {
                    "what": f"closed loop, {SERVER_CLIENTS} clients, {args.arrivals} people once each",
                    "baseline_redeem": redeem,
                    "desk_check_in_and_print": desk,
                }
                runs = []
                for counts in setups:
                    runs.append(
                        asyncio.run(morning(port, counts, stations, payloads, arrivals, services, kiosk_ok))
                    )
                    forget_arrivals()
                report["runs"] = runs
        finally:
            close_db()
            drop_database(setup)
    for figure in ("every_wait_under_3_min", "every_badge_within_3_min"):
        # Per number of kiosks (0: desks alone), the fewest desks that make it, of those tried.
        report[f"smallest_desks_{figure}"] = {
            str(kiosks): min(
                (run["desks"] for run in report["runs"] if run["kiosks"] == kiosks and run[figure]),
                default=None,
            )
            for kiosks in sorted({run["kiosks"] for run in report["runs"]})
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "arrival.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    sys.exit(main())
