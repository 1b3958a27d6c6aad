"""/ws/programme/: public, a snapshot of the programme, then a `workshop` event per change."""

import pytest
from channels.testing import WebsocketCommunicator

from config.asgi import application
from events import services
from events.errors import WorkshopError
from tests.sockets import in_thread

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_snapshot_then_workshop_events(programme, event, municipalities):
    communicator = WebsocketCommunicator(
        application, "/ws/programme/", headers=[(b"host", b"localhost"), (b"origin", b"http://localhost")]
    )
    connected, _code = await communicator.connect()
    assert connected is True

    snapshot = await communicator.receive_json_from(timeout=5)
    assert snapshot["type"] == "snapshot"
    small = next(w for w in snapshot["workshops"] if w["id"] == programme["small"].pk)
    assert (small["capacity"], small["booked"], small["waitlisted"]) == (2, 0, 0)

    await in_thread(services.register)(
        event=event,
        first_name="A",
        last_name="B",
        email="ab@x.example",
        role="raadslid",
        municipality=municipalities["GM0307"],
        workshops=[programme["small"]],
    )
    message = await communicator.receive_json_from(timeout=5)
    assert (message["type"], message["workshop"]["id"], message["workshop"]["booked"]) == (
        "workshop",
        programme["small"].pk,
        1,
    )

    await in_thread(services.update_workshop)(programme["small"], capacity=5)
    message = await communicator.receive_json_from(timeout=5)
    assert (message["workshop"]["capacity"], message["workshop"]["sequence"]) == (5, 1)
    await communicator.disconnect()


async def test_a_rolled_back_change_publishes_nothing(programme):
    communicator = WebsocketCommunicator(application, "/ws/programme/")
    await communicator.connect()
    await communicator.receive_json_from(timeout=5)

    with pytest.raises(WorkshopError):
        await in_thread(services.update_workshop)(programme["small"], capacity=500)
    assert await communicator.receive_nothing(timeout=0.3) is True
    await communicator.disconnect()
