"""The programme as attendees see it and as organisers change it.

- `page`: GET / (the programme per round with seats left), 10 keep-alive clients.
- `ics`: GET /ical/programme.ics (the whole day as a calendar), 10 clients.
- `patch_to_socket`: 100 `/ws/programme/` sockets (what `/` opens in every attendee's browser),
  then an organiser's `PATCH /api/v1/workshops/{id}` (capacity one down, one up, …) one at a time;
  per PATCH the clock runs from writing the request to each socket having that change's `workshop`
  message (matched on the workshop id and its new `sequence`). With two processes the sockets are
  on the second, the PATCHes on the first: the message crosses Redis.
"""

import asyncio
import contextlib
import json
import time
from collections import defaultdict

from websockets.asyncio.client import connect

from bench.client import Client, latency_ms, run_load, summarise
from bench.common import Run, close_db, close_sockets
from bench.servers import Watch

PAGE_REQUESTS = 1000
ICS_REQUESTS = 500
CLIENTS = 10
SOCKETS = 100
PATCHES = 50
CONNECT_CONCURRENCY = 20
DELIVERY_TIMEOUT = 5.0
PAUSE = 0.02


def organiser_headers() -> dict[str, str]:
    """Cookie and CSRF header of a fresh organiser session, made through the ORM."""
    from django.contrib.auth import get_user_model
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client as DjangoClient

    user, _created = get_user_model().objects.get_or_create(
        username="bench-organiser", defaults={"is_staff": True}
    )
    browser = DjangoClient()
    browser.force_login(user)
    csrf = _get_new_csrf_string()
    close_db()
    session = browser.cookies["sessionid"].value
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}


def roomy_workshop() -> tuple[int, int]:
    """(id, capacity) of the workshop with the most seats free: lowering it by one never bites."""
    from events.models import Event, Workshop

    workshops = Workshop.objects.programme(Event.objects.current())
    workshop = max(
        (w for w in workshops if w.status == "scheduled" and w.round.is_bookable),
        key=lambda w: w.capacity - w.booked,
    )
    close_db()
    return workshop.pk, workshop.capacity


def get_load(run: Run, path: str, requests: int, name: str) -> dict:
    with Watch(run.servers, f"{run.setup.database}-p{run.setup.processes}-{name}", run.profile) as watch:
        load = asyncio.run(
            run_load(
                run.ports,
                CLIENTS,
                range(requests),
                lambda item, client: ("GET", path, None, None),
                budget=run.budget,
            )
        )
    return {
        "what": f"GET {path}, {CLIENTS} keep-alive clients",
        **summarise(load),
        **watch.figures(len(load.results)),
    }


async def patch_to_socket(
    socket_port: int,
    patch_port: int,
    workshop: tuple[int, int],
    headers: dict[str, str],
    budget: float | None,
    watch: Watch,
) -> dict:
    perf = time.perf_counter
    workshop_id, capacity = workshop
    arrivals: dict[int, list[float]] = defaultdict(list)  # sequence → arrival times
    complete: dict[int, asyncio.Event] = defaultdict(asyncio.Event)
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    refused: list[str] = []

    async def open_socket():
        async with gate:
            try:
                return await connect(
                    f"ws://127.0.0.1:{socket_port}/ws/programme/", proxy=None, max_size=None, open_timeout=30
                )
            except Exception as error:
                refused.append(type(error).__name__)
                return None

    sockets = [s for s in await asyncio.gather(*(open_socket() for _ in range(SOCKETS))) if s is not None]

    async def listen(socket) -> None:
        with contextlib.suppress(Exception):  # a broken socket ends its listener
            async for raw in socket:
                at = perf()
                message = json.loads(raw)
                if message.get("type") == "workshop" and message["workshop"]["id"] == workshop_id:
                    sequence = message["workshop"]["sequence"]
                    arrivals[sequence].append(at)
                    if len(arrivals[sequence]) >= len(sockets):
                        complete[sequence].set()

    listeners = [asyncio.create_task(listen(socket)) for socket in sockets]
    await asyncio.sleep(1.0)  # every socket has joined its group
    client = Client([patch_port])
    deliveries: list[float] = []
    patch_latencies: list[float] = []
    missing = 0
    errors: dict[str, int] = {}
    stopped_early = False
    watch.__enter__()
    started_all = perf()
    for index in range(PATCHES):
        if budget and perf() - started_all > budget:
            stopped_early = True
            break
        body = {"capacity": capacity - 1 if index % 2 == 0 else capacity}
        started = perf()
        response = await client.request("PATCH", f"/api/v1/workshops/{workshop_id}", body, headers)
        patch_latencies.append(perf() - started)
        if response.status != 200:
            errors[f"http_{response.status}"] = errors.get(f"http_{response.status}", 0) + 1
            continue
        sequence = response.json()["sequence"]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(complete[sequence].wait(), DELIVERY_TIMEOUT)
        missing += len(sockets) - len(arrivals[sequence])
        deliveries.extend(at - started for at in arrivals[sequence])
        await asyncio.sleep(PAUSE)
    wall = perf() - started_all
    watch.__exit__(None, None, None)
    client.close()
    await close_sockets(listeners, sockets)
    return {
        "sockets": len(sockets),
        "sockets_refused": len(refused),
        "patches": len(patch_latencies),
        **({"stopped_early": "the time budget ran out (--budget)"} if stopped_early else {}),
        "patch_errors": errors,
        "patch_http_ms": latency_ms(patch_latencies),
        "deliveries": len(deliveries),
        "deliveries_missing": missing,
        "patch_to_socket_ms": latency_ms(deliveries),
        "server_cpu_ms_per_patch_with_fanout": round(
            watch.server_cpu / max(len(patch_latencies), 1) * 1000, 2
        ),
        "wall_s": round(wall, 2),
    }


def programme(run: Run) -> dict:
    socket_port, patch_port = (run.ports[-1], run.ports[0])
    watch = Watch(run.servers, f"{run.setup.database}-p{run.setup.processes}-programme_patch", run.profile)
    workshop, headers = roomy_workshop(), organiser_headers()
    return {
        "page": get_load(run, "/", PAGE_REQUESTS, "programme_page"),
        "ics": get_load(run, "/ical/programme.ics", ICS_REQUESTS, "programme_ics"),
        "patch_to_socket": {
            "what": f"{SOCKETS} /ws/programme/ sockets on port {socket_port}, {PATCHES} PATCHes one at a "
            f"time on port {patch_port}",
            **asyncio.run(patch_to_socket(socket_port, patch_port, workshop, headers, run.budget, watch)),
        },
    }
