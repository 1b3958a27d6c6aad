"""Two daphne processes sharing Redis: votes handled by process A reach a phone on process B, and
the last one's results always arrive (the trailing send of a burst)."""

import asyncio
import json
import urllib.request

import pytest
import websockets

from events.room import services
from tests.live import daphne
from tests.sockets import in_thread
from tests.support import requires_redis

pytestmark = [requires_redis, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


async def test_a_burst_of_votes_on_a_reaches_the_room_on_b_with_every_vote(programme, make_attendee):
    raad = programme["raad"]
    people = [await in_thread(make_attendee)(n) for n in range(12)]
    poll = await in_thread(services.create_poll)(raad, question="Welke?", kind="single", options=["A", "B"])
    await in_thread(services.open_poll)(poll)
    code = (await in_thread(services.room_for)(raad)).code

    with daphne() as server_a, daphne() as server_b:
        async with websockets.connect(server_b.replace("http://", "ws://") + f"/ws/room/{code}/") as socket:
            snapshot = json.loads(await asyncio.wait_for(socket.recv(), 10))
            assert snapshot["polls"][0]["results"]["votes"] == 0

            await asyncio.gather(
                *(
                    asyncio.to_thread(
                        post,
                        f"{server_a}/api/v1/registrations/{person.manage_token}/votes",
                        {"poll": poll.pk, "choices": [index % 2]},
                    )
                    for index, person in enumerate(people)
                )
            )
            latest = None
            while latest is None or latest["poll"]["results"]["votes"] < 12:
                latest = json.loads(await asyncio.wait_for(socket.recv(), 5))

    assert latest["poll"]["results"]["counts"] == [{"label": "A", "count": 6}, {"label": "B", "count": 6}]
