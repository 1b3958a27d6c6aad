"""/ws/dashboard/: the snapshot's contents and every live event type, as the dashboard's JS reads them."""

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from checkin.services import redeem, undo
from config.asgi import application
from events import live, services
from networking.models import Offer, Signup
from tests.clock import at
from tests.sockets import in_thread

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def staff_socket(user):
    cookie = await in_thread(session_cookie)(user)
    communicator = WebsocketCommunicator(
        application,
        "/ws/dashboard/",
        headers=[(b"host", b"localhost"), (b"origin", b"http://localhost"), (b"cookie", cookie)],
    )
    connected, _code = await communicator.connect()
    assert connected is True
    return communicator


def register(event, municipality, workshops=(), n=1, role="raadslid"):
    registration, _token = services.register(
        event=event,
        first_name="Eva",
        last_name=f"Smit {n}",
        email=f"eva{n}@x.example",
        role=role,
        municipality=municipality,
        workshops=list(workshops),
        send_confirmation=False,
    )
    return registration


def offer_with_signup(event, municipality):
    offer = Offer.objects.create(event=event, slug="quick-scan", title="Quick Scan", places=50, position=1)
    signup = Signup.objects.create(
        offer=offer, municipality=municipality, reference="DIA-0001", status=Signup.Status.ACCEPTED
    )
    signup.contacts.create(name="Griffie", email="griffie@x.example")
    return offer


async def test_snapshot_holds_every_table_of_the_dashboard(
    programme, event, municipalities, scanner, staff_user
):
    await in_thread(register)(event, municipalities["GM0307"], [programme["raad"]])
    await in_thread(offer_with_signup)(event, municipalities["GM0599"])
    communicator = await staff_socket(staff_user)

    snapshot = await communicator.receive_json_from(timeout=5)

    stats = snapshot["stats"]
    assert snapshot["type"] == "snapshot"
    assert (stats["registered"], stats["checked_in"], stats["not_arrived"]) == (1, 0, 1)
    assert [(row["title"], row["booked"], row["capacity"]) for row in stats["workshops"]] == [
        ("Klein Gezelschap", 0, 2),
        ("Sterke Raad", 1, 40),
        ("Digitale Participatie", 0, 40),
    ]
    assert [row["label"] for row in stats["rounds"]] == ["Ronde 1", "Ronde 2"]
    assert [(row["name"], row["scans"], row["last_seen_at"]) for row in stats["devices"]] == [
        ("Ingang noord", 0, None)
    ]
    assert [(row["size"], row["registered"]) for row in stats["by_size"] if row["registered"]] == [
        ("unknown", 1)
    ]
    assert stats["offers"][0]["last_signup"]["municipality"] == "Rotterdam"
    assert stats["arrivals_per_5_minutes"] == []
    await communicator.disconnect()


async def test_checkin_at_a_workshop_door_and_its_undo_update_room_and_door(
    programme, event, municipalities, scanner, staff_user
):
    raad = programme["raad"]
    registration = await in_thread(register)(event, municipalities["GM0307"], [raad], role="wethouder")
    communicator = await staff_socket(staff_user)
    await communicator.receive_json_from(timeout=5)
    device = scanner[0]

    await in_thread(redeem)(event=event, secret=registration.badge_secret, device=device, workshop=raad)
    checkin = await communicator.receive_json_from(timeout=5)
    await in_thread(undo)(event=event, secret=registration.badge_secret, device=device, workshop=raad)
    undone = await communicator.receive_json_from(timeout=5)

    assert (checkin["type"], checkin["workshop"], checkin["workshop_checked_in"], checkin["checked_in"]) == (
        "checkin",
        raad.pk,
        1,
        0,
    )
    assert {key: checkin["scan"][key] for key in ("place", "role", "province", "source", "status_label")} == {
        "place": "Sterke Raad",
        "role": "wethouder",
        "province": "Utrecht",
        "source": f"device-{device.pk}",
        "status_label": "ingecheckt",
    }
    assert {key: checkin["source"][key] for key in ("key", "name", "kind", "checked_in")} == {
        "key": f"device-{device.pk}",
        "name": "Ingang noord",
        "kind": "device",
        "checked_in": 1,
    }
    assert checkin["source"]["last_seen_at"]
    assert (undone["type"], undone["workshop_checked_in"], undone["source"]["checked_in"]) == ("undo", 0, 0)
    await communicator.disconnect()


async def test_organiser_scanning_in_a_browser_is_a_door_of_its_own(
    programme, event, municipalities, staff_user
):
    registration = await in_thread(register)(event, municipalities["GM0080"])
    communicator = await staff_socket(staff_user)
    await communicator.receive_json_from(timeout=5)

    await in_thread(redeem)(event=event, secret=registration.badge_secret, user=staff_user)
    message = await communicator.receive_json_from(timeout=5)

    assert (message["checked_in"], message["scan"]["device"], message["scan"]["province"]) == (
        1,
        "organisator",
        "Fryslân",
    )
    assert (message["source"]["key"], message["source"]["kind"], message["source"]["checked_in"]) == (
        f"user-{staff_user.pk}",
        "user",
        1,
    )
    await communicator.disconnect()


async def test_registration_and_workshop_events(programme, event, municipalities, staff_user):
    communicator = await staff_socket(staff_user)
    await communicator.receive_json_from(timeout=5)

    await in_thread(register)(event, municipalities["GM0599"], [programme["small"]], role="griffier")
    registration = await communicator.receive_json_from(timeout=5)
    workshop = await communicator.receive_json_from(timeout=5)

    assert (registration["type"], registration["action"], registration["registered"]) == (
        "registration",
        "created",
        1,
    )
    assert {key: registration["registration"][key] for key in ("role", "role_label", "province")} == {
        "role": "griffier",
        "role_label": "Griffier",
        "province": "Zuid-Holland",
    }
    assert (workshop["type"], workshop["workshop"]["id"], workshop["workshop"]["booked"]) == (
        "workshop",
        programme["small"].pk,
        1,
    )
    assert workshop["workshop"]["capacity"] == 2
    await communicator.disconnect()


async def test_signup_events_reach_the_dashboard_in_the_shape_its_script_reads(programme, event, staff_user):
    """The networking app publishes `signup` (built in parallel): the socket forwards it untouched."""
    communicator = await staff_socket(staff_user)
    await communicator.receive_json_from(timeout=5)
    message = {
        "type": "signup",
        "offer": {
            "slug": "quick-scan",
            "title": "Quick Scan",
            "places": 50,
            "taken": 12,
            "waitlisted": 0,
            "places_left": 38,
        },
        "signup": {
            "municipality": "Amersfoort",
            "province": "Utrecht",
            "status": "accepted",
            "position": None,
            "created_at": at(10, 15).isoformat(),
        },
    }

    await in_thread(live.publish)(live.dashboard(event.pk), message)

    assert await communicator.receive_json_from(timeout=5) == message
    await communicator.disconnect()
