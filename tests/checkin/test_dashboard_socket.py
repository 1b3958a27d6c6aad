"""/ws/dashboard/: staff only, a snapshot on connect, then events as they commit."""

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from checkin.services import redeem, undo
from config.asgi import application
from events import services
from tests.sockets import in_thread

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def connect(headers):
    communicator = WebsocketCommunicator(application, "/ws/dashboard/", headers=headers)
    connected, _code = await communicator.connect()
    return communicator, connected


async def test_anonymous_is_refused(programme):
    _communicator, connected = await connect([(b"host", b"localhost"), (b"origin", b"http://localhost")])
    assert connected is False


async def test_non_staff_is_refused(programme, django_user_model):
    user = await in_thread(django_user_model.objects.create_user)("bezoeker", password="x")
    cookie = await in_thread(session_cookie)(user)
    _communicator, connected = await connect(
        [(b"host", b"localhost"), (b"origin", b"http://localhost"), (b"cookie", cookie)]
    )
    assert connected is False


async def test_wrong_bearer_token_is_refused(programme):
    _communicator, connected = await connect([(b"authorization", b"Bearer not-a-token")])
    assert connected is False


async def test_foreign_origin_is_refused_even_for_staff(programme, staff_user):
    cookie = await in_thread(session_cookie)(staff_user)
    _communicator, connected = await connect([(b"origin", b"https://evil.example"), (b"cookie", cookie)])
    assert connected is False


async def test_staff_gets_a_snapshot_then_checkin_and_undo(
    programme, event, staff_user, municipalities, scanner
):
    registration, _token = await in_thread(services.register)(
        event=event,
        first_name="Jan",
        last_name="Jansen",
        email="jan@x.example",
        role="burgemeester",
        municipality=municipalities["GM0080"],
    )
    cookie = await in_thread(session_cookie)(staff_user)
    communicator, connected = await connect(
        [(b"host", b"localhost"), (b"origin", b"http://localhost"), (b"cookie", cookie)]
    )
    assert connected is True

    snapshot = await communicator.receive_json_from(timeout=5)
    assert snapshot["type"] == "snapshot"
    assert (snapshot["stats"]["registered"], snapshot["stats"]["checked_in"]) == (1, 0)
    assert snapshot["recent_scans"] == []

    await in_thread(redeem)(event=event, secret=registration.badge_secret, device=scanner[0])
    message = await communicator.receive_json_from(timeout=5)
    assert (message["type"], message["checked_in"], message["workshop"]) == ("checkin", 1, None)
    assert (message["scan"]["name"], message["scan"]["municipality"], message["scan"]["device"]) == (
        "Jan Jansen",
        "Leeuwarden",
        "Ingang noord",
    )

    await in_thread(undo)(event=event, secret=registration.badge_secret, device=scanner[0])
    message = await communicator.receive_json_from(timeout=5)
    assert (message["type"], message["checked_in"]) == ("undo", 0)
    await communicator.disconnect()


async def test_failed_scans_publish_nothing(programme, event, scanner):
    communicator, connected = await connect([(b"authorization", f"Bearer {scanner[1]}".encode())])
    assert connected is True
    await communicator.receive_json_from(timeout=5)  # snapshot

    await in_thread(redeem)(event=event, secret="DLD1:ONBEKEND", device=scanner[0])
    assert await communicator.receive_nothing(timeout=0.3) is True
    await communicator.disconnect()


async def test_registration_event_carries_the_new_total(programme, event, municipalities, scanner):
    communicator, connected = await connect([(b"authorization", f"Bearer {scanner[1]}".encode())])
    assert connected is True
    await communicator.receive_json_from(timeout=5)

    await in_thread(services.register)(
        event=event,
        first_name="Eva",
        last_name="Smit",
        email="eva@x.example",
        role="raadslid",
        municipality=municipalities["GM0307"],
        workshops=[programme["raad"]],
    )
    registration = await communicator.receive_json_from(timeout=5)
    workshop = await communicator.receive_json_from(timeout=5)

    assert (registration["type"], registration["action"], registration["registered"]) == (
        "registration",
        "created",
        1,
    )
    assert registration["registration"]["municipality"] == "Amersfoort"
    assert (workshop["type"], workshop["workshop"]["id"], workshop["workshop"]["booked"]) == (
        "workshop",
        programme["raad"].pk,
        1,
    )
    await communicator.disconnect()


async def test_client_may_ask_for_a_fresh_snapshot(programme, scanner):
    communicator, _connected = await connect([(b"authorization", f"Bearer {scanner[1]}".encode())])
    await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"type": "snapshot"})
    assert (await communicator.receive_json_from(timeout=5))["type"] == "snapshot"
    await communicator.disconnect()


async def test_without_an_event_the_socket_closes_cleanly(staff_user, db):
    cookie = await in_thread(session_cookie)(staff_user)
    communicator, connected = await connect(
        [(b"host", b"localhost"), (b"origin", b"http://localhost"), (b"cookie", cookie)]
    )
    assert connected is True
    assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": 4404}
