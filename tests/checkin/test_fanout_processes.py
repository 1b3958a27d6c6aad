"""Two daphne processes sharing Redis: a scan handled by process A reaches a dashboard on process B."""

import asyncio
import json
import urllib.request

import pytest
import websockets

from events import services
from tests.factories import registration_payload
from tests.live import daphne
from tests.sockets import in_thread
from tests.support import requires_redis

pytestmark = [requires_redis, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def post(url: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


async def test_checkin_on_a_reaches_a_dashboard_on_b(programme, event, municipalities, scanner):
    registration, _token = await in_thread(services.register)(
        event=event,
        first_name="Kees",
        last_name="de Boer",
        email="kees@x.example",
        role="griffier",
        municipality=municipalities["GM0599"],
    )
    _device, token = scanner
    with daphne() as server_a, daphne() as server_b:
        socket_url = server_b.replace("http://", "ws://") + "/ws/dashboard/"
        async with websockets.connect(
            socket_url, additional_headers={"Authorization": f"Bearer {token}"}
        ) as socket:
            snapshot = json.loads(await asyncio.wait_for(socket.recv(), 10))
            assert (snapshot["type"], snapshot["stats"]["checked_in"]) == ("snapshot", 0)

            answer = await asyncio.to_thread(
                post, f"{server_a}/api/v1/checkin/redeem", {"secret": registration.badge_secret}, token
            )
            assert answer["status"] == "ok"

            message = json.loads(await asyncio.wait_for(socket.recv(), 10))
            assert (message["type"], message["checked_in"], message["scan"]["name"]) == (
                "checkin",
                1,
                "Kees de Boer",
            )


async def test_registration_on_a_reaches_a_dashboard_on_b(programme, event, municipalities, scanner):
    """A registration through the public API of process A: B's dashboard hears the new total and
    the workshop's seats, both published after commit by A."""
    _device, token = scanner
    with daphne() as server_a, daphne() as server_b:
        socket_url = server_b.replace("http://", "ws://") + "/ws/dashboard/"
        async with websockets.connect(
            socket_url, additional_headers={"Authorization": f"Bearer {token}"}
        ) as socket:
            snapshot = json.loads(await asyncio.wait_for(socket.recv(), 10))
            assert (snapshot["type"], snapshot["stats"]["registered"]) == ("snapshot", 0)

            answer = await asyncio.to_thread(
                post,
                f"{server_a}/api/v1/registrations",
                registration_payload(1, municipality="GM0599", workshops=[programme["raad"].pk]),
            )
            assert answer["workshops"][0]["status"] == "booked"

            registration = json.loads(await asyncio.wait_for(socket.recv(), 10))
            workshop = json.loads(await asyncio.wait_for(socket.recv(), 10))
            assert (registration["type"], registration["action"], registration["registered"]) == (
                "registration",
                "created",
                1,
            )
            assert registration["registration"]["province"] == "Zuid-Holland"
            assert (workshop["type"], workshop["workshop"]["id"], workshop["workshop"]["booked"]) == (
                "workshop",
                programme["raad"].pk,
                1,
            )


async def test_anonymous_socket_on_a_real_server_is_refused(programme):
    with daphne() as server:
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            async with websockets.connect(server.replace("http://", "ws://") + "/ws/dashboard/"):
                pass
        assert refused.value.response.status_code == 403
