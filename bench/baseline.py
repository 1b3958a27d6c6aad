"""Baselines: daphne with a hello-world app (the ceiling), and one cheap Django request."""

import asyncio

from bench.client import Client, run_load, summarise
from bench.common import EXTRA_DOMAIN, Run, bearer, close_db
from bench.servers import Setup, Watch, daphnes

HELLO_REQUESTS = 5000
HELLO_CLIENTS = 10
DJANGO_REQUESTS = 3000
DJANGO_CLIENTS = 10
DJANGO_PATH = "/api/v1/municipalities?q=GM0307"


def baseline_hello(setup: Setup, profile: bool = False) -> dict:
    """`bench.hello:application` on as many daphne processes as the run uses."""
    with daphnes(setup, "bench.hello:application", setup.processes, "/") as servers:
        ports = [server.port for server in servers]
        asyncio.run(run_load(ports, HELLO_CLIENTS, range(500), lambda item, client: ("GET", "/", None, None)))
        with Watch(servers, f"{setup.database}-p{setup.processes}-baseline_hello", profile) as watch:
            load = asyncio.run(
                run_load(
                    ports, HELLO_CLIENTS, range(HELLO_REQUESTS), lambda item, client: ("GET", "/", None, None)
                )
            )
    return {
        "what": f"GET / on a plain ASGI hello-world app, {HELLO_CLIENTS} keep-alive clients",
        "clients": HELLO_CLIENTS,
        **summarise(load),
        **watch.figures(len(load.results)),
    }


def warm_up(run: Run) -> None:
    """First requests of a process import and build things (URLconf, ninja schemas, the big e-mail
    domain regex, e-mail templates, QR code tables): done here, not measured. Each process gets one
    registration (no workshops, address under EXTRA_DOMAIN) and checks it in."""
    from checkin.services import create_device
    from events.models import Event, Registration

    def request_for(item, client):
        kind = item % 3
        if kind == 0:
            return "GET", "/api/v1/workshops", None, None
        if kind == 1:
            return "GET", "/api/v1/stats", None, bearer("not-a-device")  # 401: the auth path
        return "GET", DJANGO_PATH, None, None

    asyncio.run(run_load(run.ports, 2 * len(run.ports), range(30 * len(run.ports)), request_for))
    _device, token = create_device(event=Event.objects.current(), name="Bench warm-up")
    close_db()
    for index, port in enumerate(run.ports):
        email = f"warm-up.{index}@{EXTRA_DOMAIN}"
        body = {"first_name": "Warm", "last_name": f"Up {index}", "email": email, "role": "griffier"}
        asyncio.run(fetch(port, "POST", "/api/v1/registrations", {**body, "municipality": "GM9999"}))  # 4xx
        asyncio.run(fetch(port, "POST", "/api/v1/registrations", {**body, "municipality": "GM0307"}))
        secret = Registration.objects.get(email=email).badge_secret
        close_db()
        asyncio.run(fetch(port, "POST", "/api/v1/checkin/redeem", {"secret": secret}, bearer(token)))


async def fetch(port: int, method: str, path: str, body=None, headers=None) -> int:
    client = Client([port])
    try:
        return (await client.request(method, path, body, headers)).status
    finally:
        client.close()


def baseline_django(run: Run) -> dict:
    def request_for(item, client):
        return "GET", DJANGO_PATH, None, None

    name = f"{run.setup.database}-p{run.setup.processes}-baseline_django"
    with Watch(run.servers, name, run.profile) as watch:
        load = asyncio.run(
            run_load(run.ports, DJANGO_CLIENTS, range(DJANGO_REQUESTS), request_for, budget=run.budget)
        )
    return {
        "what": f"GET {DJANGO_PATH} (one indexed query) through the full stack, {DJANGO_CLIENTS} clients",
        "clients": DJANGO_CLIENTS,
        **summarise(load),
        **watch.figures(len(load.results)),
    }
