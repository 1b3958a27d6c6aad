"""700 arrivals at the registration desks, with the server in the loop: `python -m bench.arrival`.

The morning of the day: 700 people arrive in the 30 minutes before the opening (simulated time,
0 = the opening). Arrival curve: triangular on [-30, 0] minutes with its peak 10 minutes before
the opening, so 83 % arrive in the last 20 minutes (a fixed seed: every run has the same people
at the same moments). One line for all desks, first come first served, and the next free desk
takes the first in line.

Per person at a desk: the human part, simulated (greeting, the QR on a phone held up, the badge
handed over): a service time of 20 s with a spread (normal, sd 5 s, kept within 8..45 s, the same
seed), then the server part, real: the request the desk page makes when it scans a badge,
`POST /balie/` (form: the QR's `DLD1:` code and the label layout, with the paired desk's cookie
and the CSRF token), whose answer is the page with the printable badge. The badge is ready when
that answer is in. The desks' clock is compressed (`--compress`, default 120: the 30 minutes in
15 s of real time); the server's answer time counts as it was measured (not scaled), while the
server gets the desks' requests `--compress` times as fast as the day would: pessimistic.

Figures per number of desks N (2..8, `--desks`): per arrival, in simulated minutes, the wait in
line (arrival to a desk taking them) and the time to badge (arrival to badge ready) p50/p95/max;
the server call's latency (real ms) and answers; then the smallest N whose every wait, and whose
every time to badge, stays under 3 minutes. Server figures in the same run, closed loop, 8
clients, 700 people each: the desk's call (`POST /balie/`) against the scanner's redeem
(`POST /api/v1/checkin/redeem`) as the baseline: requests/s and p50/p99 ms. Kept in
bench/results/arrival.json and printed. It measures; it asserts nothing.
"""

import argparse
import asyncio
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
from bench.common import bearer, close_db, qr_payload
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
DESKS = "2,3,4,5,6,7,8"
COMPRESS = 120.0
SEED = 15
LAYOUT = "62mm"
SERVER_CLIENTS = 8


def arrival_seconds(count: int, rng: random.Random) -> list[float]:
    """Simulated seconds relative to the opening, sorted."""
    return sorted(rng.triangular(-WINDOW_MINUTES, 0.0, PEAK_MINUTES) * 60 for _ in range(count))


def service_seconds(count: int, rng: random.Random) -> list[float]:
    low, high = SERVICE_RANGE_S
    return [min(high, max(low, rng.gauss(SERVICE_S, SERVICE_SD_S))) for _ in range(count)]


def attendees(count: int) -> list[str]:
    """`count` confirmed attendees of the current event: their badges' QR payloads."""
    from events import services
    from events.models import Event, Municipality

    event = Event.objects.current()
    municipality = Municipality.objects.order_by("code").first()
    payloads = []
    for number in range(count):
        registration, _token = services.register(
            event=event,
            first_name="Aankomst",
            last_name=str(number),
            email=f"aankomst{number}@arrival.bench.example",
            role="raadslid",
            municipality=municipality,
            by_organiser=True,
            send_confirmation=False,
        )
        payloads.append(qr_payload(registration.badge_secret))
    close_db()
    return payloads


def desk_cookies(count: int) -> list[str]:
    """A Cookie header per paired desk: its signed device cookie (as pairing sets it) and a CSRF
    token (the same value goes in the form)."""
    from django.http import HttpResponse

    from checkin import presence
    from checkin.models import Device
    from checkin.services import create_device
    from events.models import Event

    event = Event.objects.current()
    cookies = []
    for number in range(count):
        _device, token = create_device(event=event, name=f"Bench balie {number + 1}", kind=Device.Kind.DESK)
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
    """What one desk's browser sends when it scans a badge."""

    def __init__(self, cookie: str):
        self.csrf = secrets.token_hex(16)  # 32 characters, as Django's CSRF secret
        self.headers = {
            "Cookie": f"{cookie}; csrftoken={self.csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
        }

    def scan(self, payload: str) -> tuple[str, str, bytes, dict[str, str]]:
        form = urlencode({"csrfmiddlewaretoken": self.csrf, "code": payload, "layout": LAYOUT})
        return "POST", "/balie/", form.encode(), self.headers


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
    count: int,
    desks: list[Desk],
    payloads: list[str],
    arrivals: list[float],
    services: list[float],
    compress: float,
) -> dict:
    """The queue in compressed time with `count` desks; the server calls are real."""
    perf = time.perf_counter
    line = list(range(len(payloads)))
    line.reverse()  # pop() takes the first in line
    first = arrivals[0]
    clients = [Client([port]) for _ in range(count)]
    await asyncio.gather(*(client.connections[0].open() for client in clients))
    begin = perf() + 0.1
    waits, to_badge, latencies, answers = [], [], [], Counter()

    async def until(simulated: float) -> None:
        delay = begin + (simulated - first) / compress - perf()
        if delay > 0:
            await asyncio.sleep(delay)

    async def desk(index: int) -> None:
        free = first
        while line:
            person = line.pop()
            start = max(free, arrivals[person])
            await until(start + services[person])  # the human part
            method, path, body, headers = desks[index].scan(payloads[person])
            sent = perf()
            try:
                response = await clients[index].request(method, path, body, headers)
                answers[str(response.status) + (" printed" if printed(response.body) else "")] += 1
            except Exception as error:  # a broken connection counts, the desk goes on
                answers[f"error:{type(error).__name__}"] += 1
            latency = perf() - sent
            free = start + services[person] + latency
            waits.append(start - arrivals[person])
            to_badge.append(free - arrivals[person])
            latencies.append(latency)

    started = perf()
    await asyncio.gather(*(desk(index) for index in range(count)))
    wall = perf() - started
    for client in clients:
        client.close()
    return {
        "desks": count,
        "wait_min": minutes(waits),
        "time_to_badge_min": minutes(to_badge),
        "every_wait_under_3_min": max(waits) < MAX_WAIT_MINUTES * 60,
        "every_badge_within_3_min": max(to_badge) < MAX_WAIT_MINUTES * 60,
        "last_badge_min_after_opening": round(
            (max(a + t for a, t in zip(arrivals, to_badge, strict=True))) / 60, 2
        ),
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
    parser.add_argument("--desks", default=DESKS, help="numbers of desks to try, comma-separated")
    parser.add_argument("--compress", type=float, default=COMPRESS, help="simulated seconds per real second")
    parser.add_argument("--database", choices=["auto", "sqlite", "postgres"], default="auto")
    args = parser.parse_args(argv)
    database = args.database
    if database == "auto":
        database = "postgres" if postgres_available() else "sqlite"
    counts = [int(part) for part in args.desks.split(",") if part.strip()]
    rng = random.Random(SEED)
    arrivals = arrival_seconds(args.arrivals, rng)
    services = service_seconds(args.arrivals, rng)
    report: dict = {
        "arrivals": args.arrivals,
        "arrival_curve": f"triangular on [-{WINDOW_MINUTES:g}, 0] min, peak at {PEAK_MINUTES:g} min (seed {SEED})",
        "arriving_in_last_20_min": round(sum(1 for a in arrivals if a >= -20 * 60) / len(arrivals), 3),
        "service_s": f"normal {SERVICE_S:g} ± {SERVICE_SD_S:g} (sd), within {SERVICE_RANGE_S[0]:g}..{SERVICE_RANGE_S[1]:g}",
        "service_s_mean": round(sum(services) / len(services), 1),
        "compress": args.compress,
        "database": database,
        "processes": 1,
    }
    with tempfile.TemporaryDirectory(prefix="dld-bench-arrival-") as workdir:
        setup = Setup(database=database, processes=1, workdir=Path(workdir))
        report.update(prepare_database(setup))
        setup_django(setup)
        try:
            payloads = attendees(args.arrivals)
            desks = [Desk(cookie) for cookie in desk_cookies(max([*counts, SERVER_CLIENTS]))]
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
                for count in counts:
                    runs.append(
                        asyncio.run(morning(port, count, desks, payloads, arrivals, services, args.compress))
                    )
                    forget_arrivals()
                report["runs"] = runs
        finally:
            close_db()
            drop_database(setup)
    report["smallest_desks_every_wait_under_3_min"] = next(
        (run["desks"] for run in report["runs"] if run["every_wait_under_3_min"]), None
    )
    report["smallest_desks_every_badge_within_3_min"] = next(
        (run["desks"] for run in report["runs"] if run["every_badge_within_3_min"]), None
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "arrival.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    sys.exit(main())
