"""Scan-to-dashboard latency: 100 dashboard sockets, redeems one at a time over HTTP.

For each redeem the clock starts when the request is written and stops, per socket, when that
socket has the `checkin` message of that scan. The scans are workshop-door check-ins of the burst's
attendees (their entrance check-in was used by the check-in scenario); the message and its fan-out
are the same as at the entrance.
"""

import asyncio
import contextlib
import json
import time
import uuid

from websockets.asyncio.client import connect

from bench.checkin import scanner_tokens
from bench.client import Client, ConnectionError_, latency_ms
from bench.common import BURST_DOMAIN, Run, bearer, close_db, close_sockets, qr_payload
from bench.servers import Watch, cpu_seconds

SOCKETS = 100
REDEEMS = 200
PAUSE = 0.02  # between one redeem's last delivery and the next redeem
DELIVERY_TIMEOUT = 5.0
CONNECT_CONCURRENCY = 20
IDLE_BEFORE = 6.0  # seconds all sockets stay idle before the first redeem


def door_scans(count: int) -> list[tuple[str, int, str]]:
    """(QR payload, workshop id, full name) of booked seats of the burst (none scanned at a door yet)."""
    from events.models import Booking

    rows = (
        Booking.objects.filter(status=Booking.Status.BOOKED, registration__email__endswith="@" + BURST_DOMAIN)
        .select_related("registration")
        .order_by("pk")[:count]
    )
    scans = [(qr_payload(b.registration.badge_secret), b.workshop_id, b.registration.full_name) for b in rows]
    close_db()
    return scans


class Delivery:
    """The arrival times of one scan's message at the sockets."""

    def __init__(self, expected: int):
        self.expected = expected
        self.times: list[float] = []
        self.done = asyncio.Event()

    def arrive(self, at: float) -> None:
        self.times.append(at)
        if len(self.times) >= self.expected:
            self.done.set()


async def measure(
    socket_port: int,
    redeem_port: int,
    socket_token: str,
    redeem_token: str,
    scans: list,
    budget: float | None,
    watch: Watch,
) -> dict:
    perf = time.perf_counter
    waiting: dict[tuple[str, int], Delivery] = {}
    url = f"ws://127.0.0.1:{socket_port}/ws/dashboard/"
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    snapshot_times: list[float] = []
    refused: list[str] = []

    async def open_socket():
        async with gate:
            started = perf()
            try:
                socket = await connect(
                    url, additional_headers=bearer(socket_token), proxy=None, max_size=None, open_timeout=30
                )
                first = json.loads(await asyncio.wait_for(socket.recv(), 30))
            except Exception as error:
                refused.append(type(error).__name__)
                return None
            if first.get("type") != "snapshot":
                refused.append(f"first message {first.get('type')}")
            snapshot_times.append(perf() - started)
            return socket

    async def listen(socket) -> None:
        try:
            async for raw in socket:  # ends when the server closes the socket
                at = perf()
                if '"checkin"' not in raw:
                    continue
                message = json.loads(raw)
                if message.get("type") == "checkin":
                    delivery = waiting.get((message["scan"]["name"], message["workshop"]))
                    if delivery is not None:
                        delivery.arrive(at)
        except Exception:  # noqa: S110 - a broken socket ends its listener
            pass
        if not stopping:
            closed[str(socket.close_code)] = closed.get(str(socket.close_code), 0) + 1

    connect_started = perf()
    pids = [server.pid for server in watch.servers]
    cpu_before = sum(cpu_seconds(pid) for pid in pids)
    sockets = [s for s in await asyncio.gather(*(open_socket() for _ in range(SOCKETS))) if s is not None]
    connect_wall = perf() - connect_started
    connect_cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
    stopping = False
    closed: dict[str, int] = {}
    listeners = [asyncio.create_task(listen(socket)) for socket in sockets]
    # A dashboard sits idle between scans: longer than channels_redis' 5 s blocking read.
    await asyncio.sleep(IDLE_BEFORE)

    client = Client([redeem_port])
    await client.request("GET", "/api/v1/municipalities?q=GM0307")
    headers = bearer(redeem_token)
    deliveries: list[float] = []
    redeem_latencies: list[float] = []
    missing = 0
    http_errors: dict[str, int] = {}
    watch.__enter__()  # CPU (and py-spy with --profile) over the redeems only
    started_all = perf()
    stopped_early = False
    for secret, workshop_id, name in scans:
        if budget and perf() - started_all > budget:
            stopped_early = True
            break
        delivery = waiting[(name, workshop_id)] = Delivery(len(sockets))
        body = {"secret": secret, "workshop": workshop_id, "nonce": uuid.uuid4().hex}
        started = perf()
        try:
            response = await client.request("POST", "/api/v1/checkin/redeem", body, headers)
            status = (
                str(response.json().get("status")) if response.status == 200 else f"http_{response.status}"
            )
        except (OSError, ConnectionError_, TimeoutError, ValueError) as error:
            status = f"connection_error:{type(error).__name__}"
        redeem_latencies.append(perf() - started)
        if status != "ok":
            http_errors[status] = http_errors.get(status, 0) + 1
            del waiting[(name, workshop_id)]
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(delivery.done.wait(), DELIVERY_TIMEOUT)
        missing += len(sockets) - len(delivery.times)
        deliveries.extend(at - started for at in delivery.times)
        del waiting[(name, workshop_id)]
        await asyncio.sleep(PAUSE)
    wall = perf() - started_all
    watch.__exit__(None, None, None)

    client.close()
    stopping = True
    await close_sockets(listeners, sockets)
    return {
        "sockets": len(sockets),
        "sockets_refused": len(refused),
        "connect_all_s": round(connect_wall, 2),
        "connect_and_snapshot_ms": latency_ms(snapshot_times),
        "server_cpu_ms_per_socket_connect": round(connect_cpu / max(len(sockets), 1) * 1000, 2),
        "redeems": len(redeem_latencies),
        **({"stopped_early": "the time budget ran out (--budget)"} if stopped_early else {}),
        "redeem_errors": http_errors,
        "redeem_http_ms": latency_ms(redeem_latencies),
        "deliveries": len(deliveries),
        "deliveries_missing": missing,
        "sockets_closed_by_server": closed,
        "scan_to_dashboard_ms": latency_ms(deliveries),
        "server_cpu_ms_per_redeem_with_fanout": round(
            watch.server_cpu / max(len(redeem_latencies), 1) * 1000, 2
        ),
        "client_cpu_ms_per_redeem_with_100_receipts": round(
            watch.client_cpu / max(len(redeem_latencies), 1) * 1000, 2
        ),
        "wall_s": round(wall, 2),
    }


def dashboard_latency(run: Run) -> dict:
    socket_token, redeem_token = scanner_tokens(2, "dashboard")
    ports = run.ports
    if len(ports) == 1:
        layouts = {"one_process": (ports[0], ports[0])}
    else:
        layouts = {"same_process": (ports[0], ports[0]), "cross_process": (ports[1], ports[0])}
    figures = {}
    available = door_scans(REDEEMS * len(layouts))
    each = min(REDEEMS, len(available) // len(layouts))  # fewer when the burst was cut short
    for index, (name, (socket_port, redeem_port)) in enumerate(layouts.items()):
        scans = available[index * each : (index + 1) * each]
        watch = Watch(
            run.servers, f"{run.setup.database}-p{run.setup.processes}-dashboard-{name}", run.profile
        )
        figures[name] = asyncio.run(
            measure(socket_port, redeem_port, socket_token, redeem_token, scans, run.budget, watch)
        )
        figures[name]["layout"] = (
            "sockets and redeems on the same daphne process"
            if socket_port == redeem_port
            else "sockets on process B, redeems on process A (fan-out through Redis)"
        )
    return {
        "what": f"{SOCKETS} /ws/dashboard/ sockets (bearer token), idle {IDLE_BEFORE:g} s; then {REDEEMS} "
        f"workshop-door redeems one at a time ({int(PAUSE * 1000)} ms pause); time from writing the redeem "
        "to each socket's `checkin`",
        **figures,
    }
