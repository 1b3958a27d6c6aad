"""/ws/netwerk/ (public) and /ws/dashboard/ (staff): a snapshot, then `signup` events as they commit."""

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application
from networking import services
from networking.models import Signup
from tests.sockets import in_thread

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

SAME_SITE = [(b"host", b"localhost"), (b"origin", b"http://localhost")]


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def open_socket(path: str, headers=()):
    communicator = WebsocketCommunicator(application, path, headers=[*SAME_SITE, *headers])
    connected, _code = await communicator.connect()
    assert connected is True
    return communicator


def sign_up(event, offers, municipalities, code: str, slugs: list[str]):
    return services.sign_up(
        event=event,
        municipality=municipalities[code],
        contact_name="Karin Privé",
        contact_email=f"karin@{code}.example",
        offers=[offers[slug] for slug in slugs],
    )


async def test_network_socket_is_public_and_sends_places_and_members(event, offers, municipalities):
    await in_thread(sign_up)(event, offers, municipalities, "GM0599", ["netwerk-digitale-democratie"])

    communicator = await open_socket("/ws/netwerk/")
    snapshot = await communicator.receive_json_from(timeout=5)

    assert snapshot["type"] == "snapshot"
    assert [(o["slug"], o["places_left"]) for o in snapshot["offers"]] == [
        ("netwerk-digitale-democratie", None),
        ("quick-scan", 50),
        ("ontwikkeltraject", 10),
        ("raadsondersteuning", 20),
    ]
    assert [(m["municipality"], m["province"]) for m in snapshot["members"]] == [
        ("Rotterdam", "Zuid-Holland")
    ]
    assert "Karin" not in str(snapshot)
    await communicator.disconnect()


async def test_signup_event_reaches_network_and_dashboard_in_the_agreed_shape(
    event, offers, municipalities, staff_user
):
    await in_thread(
        offers["ontwikkeltraject"].__class__.objects.filter(pk=offers["ontwikkeltraject"].pk).update
    )(places=1)
    await in_thread(sign_up)(event, offers, municipalities, "GM0363", ["ontwikkeltraject"])
    network = await open_socket("/ws/netwerk/")
    cookie = await in_thread(session_cookie)(staff_user)
    dashboard = await open_socket("/ws/dashboard/", [(b"cookie", cookie)])
    await network.receive_json_from(timeout=5)
    await dashboard.receive_json_from(timeout=5)

    await in_thread(sign_up)(event, offers, municipalities, "GM0080", ["ontwikkeltraject"])
    signup = await in_thread(Signup.objects.get)(municipality_id="GM0080")

    expected = {
        "type": "signup",
        "offer": {
            "slug": "ontwikkeltraject",
            "title": "Ontwikkeltraject",
            "places": 1,
            "taken": 1,
            "waitlisted": 1,
            "places_left": 0,
        },
        "signup": {
            "municipality": "Leeuwarden",
            "province": "Fryslân",
            "status": "waitlisted",
            "position": 1,
            "created_at": signup.created_at.isoformat(),
        },
        "map": {
            "code": "GM0080",
            "name": "Leeuwarden",
            "state": "signed-up",
            "present": 0,
            "offers": {"ontwikkeltraject": "op de wachtlijst"},
            "summary": "Leeuwarden: aangemeld voor Ontwikkeltraject (op de wachtlijst)",
        },
    }
    assert await network.receive_json_from(timeout=5) == expected
    assert await dashboard.receive_json_from(timeout=5) == expected
    await network.disconnect()
    await dashboard.disconnect()


async def test_one_event_per_new_signup_and_none_for_a_repeat(event, offers, municipalities):
    network = await open_socket("/ws/netwerk/")
    await network.receive_json_from(timeout=5)

    await in_thread(sign_up)(
        event, offers, municipalities, "GM0307", ["quick-scan", "netwerk-digitale-democratie"]
    )
    first = await network.receive_json_from(timeout=5)
    second = await network.receive_json_from(timeout=5)
    assert sorted(
        (m["offer"]["slug"], m["offer"]["taken"], m["signup"]["status"]) for m in (first, second)
    ) == [
        ("netwerk-digitale-democratie", 1, "accepted"),
        ("quick-scan", 1, "accepted"),
    ]
    assert (first["signup"]["position"], first["signup"]["municipality"]) == (None, "Amersfoort")

    await in_thread(sign_up)(event, offers, municipalities, "GM0307", ["quick-scan"])  # already held
    assert await network.receive_nothing(timeout=0.3) is True
    await network.disconnect()


async def test_dashboard_still_refuses_anonymous_visitors(event, offers):
    communicator = WebsocketCommunicator(application, "/ws/dashboard/", headers=SAME_SITE)
    connected, _code = await communicator.connect()
    assert connected is False
