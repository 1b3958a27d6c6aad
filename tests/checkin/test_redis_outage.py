"""Redis down on the day: HTTP keeps working, dashboards lose their socket (the page says it is
offline), and live updates resume once Redis is back. Also: an idle dashboard socket survives
channels_redis' blocking read (redis-py's default socket timeout is as long as that read).

A private redis-server on a free port, started and killed by the test; daphne uses it.
"""

import asyncio
import json
import time
import urllib.request

import pytest
import websockets

from tests.factories import registration_payload
from tests.live import daphne, redis_server
from tests.sockets import in_thread

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def private_redis():
    with redis_server() as redis:
        yield redis


def post(url: str, body: dict, token: str | None = None, timeout: float = 10) -> tuple[int, dict, float]:
    """POST JSON; returns (status, body, seconds). The timeout is the guard against a hang."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, json.loads(response.read()), time.monotonic() - started


def socket_url(server: str) -> str:
    return server.replace("http://", "ws://") + "/ws/dashboard/"


async def receive(socket, timeout: float = 10) -> dict:
    return json.loads(await asyncio.wait_for(socket.recv(), timeout))


async def test_idle_dashboard_socket_stays_open(programme, scanner, private_redis):
    """channels_redis waits for messages with a 5 s BZPOPMIN; with redis-py's default 5 s socket
    timeout that read timed out and the socket was closed (1011) after some seconds of quiet."""
    _device, token = scanner
    with daphne(env={"REDIS_URL": private_redis.url}) as server:
        async with websockets.connect(
            socket_url(server), additional_headers={"Authorization": f"Bearer {token}"}, ping_interval=None
        ) as dashboard:
            assert (await receive(dashboard))["type"] == "snapshot"
            with pytest.raises(TimeoutError):
                await receive(dashboard, timeout=12)  # quiet: nothing is published
            await dashboard.send(json.dumps({"type": "ping"}))
            assert await receive(dashboard) == {"type": "pong"}


async def test_redis_down_http_works_sockets_close_and_live_updates_resume(
    programme, make_attendee, scanner, private_redis
):
    first = await in_thread(make_attendee)(1)
    second = await in_thread(make_attendee)(2)
    _device, token = scanner
    headers = {"Authorization": f"Bearer {token}"}
    with daphne(env={"REDIS_URL": private_redis.url}) as server:
        async with websockets.connect(socket_url(server), additional_headers=headers) as dashboard:
            snapshot = await receive(dashboard)
            assert (snapshot["stats"]["registered"], snapshot["stats"]["checked_in"]) == (2, 0)

            private_redis.kill()

            # The dashboard's socket ends (the page shows "offline" and keeps trying)...
            with pytest.raises(websockets.exceptions.ConnectionClosed):
                while True:
                    await receive(dashboard, timeout=15)

        # ...while registrations and scans over HTTP go on, without waiting for Redis.
        status, body, register_seconds = await asyncio.to_thread(
            post, f"{server}/api/v1/registrations", registration_payload(3, workshops=[programme["raad"].pk])
        )
        assert (status, body["workshops"][0]["status"]) == (201, "booked")
        status, answer, redeem_seconds = await asyncio.to_thread(
            post, f"{server}/api/v1/checkin/redeem", {"secret": first.badge_secret}, token
        )
        assert (status, answer["status"]) == (200, "ok")

        # No new socket while Redis is down: the page stays "offline" rather than show old figures.
        with pytest.raises((websockets.exceptions.InvalidStatus, websockets.exceptions.ConnectionClosed)):
            async with websockets.connect(socket_url(server), additional_headers=headers) as refused:
                await receive(refused)

        private_redis.start()

        # A reconnect gets a snapshot with everything that happened meanwhile, then live events again.
        async with websockets.connect(socket_url(server), additional_headers=headers) as dashboard:
            snapshot = await receive(dashboard)
            assert (snapshot["stats"]["registered"], snapshot["stats"]["checked_in"]) == (3, 1)
            status, answer, _seconds = await asyncio.to_thread(
                post, f"{server}/api/v1/checkin/redeem", {"secret": second.badge_secret}, token
            )
            assert (status, answer["status"]) == (200, "ok")
            message = await receive(dashboard)
            assert (message["type"], message["checked_in"], message["scan"]["name"]) == (
                "checkin",
                2,
                "Deelnemer 2",
            )
    print(
        "REDIS_DOWN "
        + json.dumps(
            {"register_seconds": round(register_seconds, 3), "redeem_seconds": round(redeem_seconds, 3)}
        )
    )


async def test_hanging_redis_holds_up_a_request_only_briefly(programme, scanner, private_redis):
    """A frozen Redis accepts connections and never answers. Publishing gives up after
    events.live.PUBLISH_TIMEOUT (2 s), so the request answers; without that limit it waited for
    redis-py's socket timeout. The dashboard's socket ends once its read times out."""
    _device, token = scanner
    headers = {"Authorization": f"Bearer {token}"}
    with daphne(env={"REDIS_URL": private_redis.url}) as server:
        async with websockets.connect(socket_url(server), additional_headers=headers) as dashboard:
            assert (await receive(dashboard))["stats"]["registered"] == 0

            private_redis.freeze()
            status, _body, register_seconds = await asyncio.to_thread(
                post, f"{server}/api/v1/registrations", registration_payload(1), timeout=6
            )
            assert status == 201
            with pytest.raises(websockets.exceptions.ConnectionClosed):
                while True:
                    await receive(dashboard, timeout=30)

        private_redis.thaw()
        async with websockets.connect(socket_url(server), additional_headers=headers) as dashboard:
            assert (await receive(dashboard))["stats"]["registered"] == 1
    print("REDIS_FROZEN " + json.dumps({"register_seconds": round(register_seconds, 3)}))
