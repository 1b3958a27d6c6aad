"""A staff socket lives only as long as its right: revoking the device or ending the session closes
it at once, a periodic re-check closes what ended another way, and every socket hears only the
edition it is bound to."""

import time
from datetime import timedelta

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from checkin.models import Device
from checkin.services import create_device, new_pairing_code, pair_device, revoke_device
from config.asgi import application
from events import services
from events.models import Event
from tests.clock import event_day
from tests.sockets import in_thread

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

SAME_SITE = [(b"host", b"localhost"), (b"origin", b"http://localhost")]
RIGHT_ENDED = {"type": "websocket.close", "code": 4401}


def logged_in(user) -> tuple[Client, bytes]:
    client = Client()
    client.force_login(user)
    return client, f"sessionid={client.cookies['sessionid'].value}".encode()


def bearer(token: str) -> list[tuple[bytes, bytes]]:
    return [(b"authorization", f"Bearer {token}".encode())]


async def open_dashboard(headers) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, "/ws/dashboard/", headers=headers)
    connected, _code = await communicator.connect()
    assert connected is True
    assert (await communicator.receive_json_from(timeout=5))["type"] == "snapshot"
    return communicator


async def refused(headers) -> bool:
    communicator = WebsocketCommunicator(application, "/ws/dashboard/", headers=headers)
    connected, _code = await communicator.connect()
    return connected is False


def register(event, municipality, first_name: str):
    return services.register(
        event=event,
        first_name=first_name,
        last_name="Jansen",
        email=f"{first_name.lower()}@x.example",
        role="raadslid",
        municipality=municipality,
    )


async def test_revoking_a_device_closes_its_socket_within_a_second(programme, scanner):
    device, token = scanner
    communicator = await open_dashboard(bearer(token))

    started = time.monotonic()
    await in_thread(revoke_device)(device)
    assert await communicator.receive_output(timeout=1) == RIGHT_ENDED
    assert time.monotonic() - started < 1
    assert await refused(bearer(token)) is True


async def test_revoking_one_device_leaves_the_others_open(programme, event, scanner):
    _other, other_token = await in_thread(create_device)(event=event, name="Zaal A")
    revoked = await open_dashboard(bearer(scanner[1]))
    other = await open_dashboard(bearer(other_token))

    await in_thread(revoke_device)(scanner[0])
    assert await revoked.receive_output(timeout=1) == RIGHT_ENDED
    assert await other.receive_nothing(timeout=0.3) is True
    await other.disconnect()


async def test_pairing_the_device_to_another_phone_closes_the_first_phones_socket(programme, scanner):
    device, first_phone_token = scanner
    communicator = await open_dashboard(bearer(first_phone_token))

    _pairing, code = await in_thread(new_pairing_code)(device)
    _device, second_phone_token = await in_thread(pair_device)(code)

    assert await communicator.receive_output(timeout=1) == RIGHT_ENDED
    assert await refused(bearer(first_phone_token)) is True
    second = await open_dashboard(bearer(second_phone_token))
    await second.disconnect()


async def test_a_device_revoked_behind_the_services_back_is_refused_at_once(programme, scanner):
    """A process remembers devices for a few seconds for the scans; a socket asks the database."""
    from checkin.services import authenticate_device

    device, token = scanner
    assert await in_thread(authenticate_device)(token) is not None  # now remembered
    await in_thread(Device.objects.filter(pk=device.pk).update)(revoked_at=timezone.now())
    assert await refused(bearer(token)) is True


async def test_logging_out_closes_the_sessions_socket_and_not_another_sessions(programme, staff_user):
    client, cookie = await in_thread(logged_in)(staff_user)
    _other_client, other_cookie = await in_thread(logged_in)(staff_user)
    communicator = await open_dashboard([*SAME_SITE, (b"cookie", cookie)])
    other = await open_dashboard([*SAME_SITE, (b"cookie", other_cookie)])

    started = time.monotonic()
    await in_thread(client.logout)()
    assert await communicator.receive_output(timeout=1) == RIGHT_ENDED
    assert time.monotonic() - started < 1
    assert await other.receive_nothing(timeout=0.3) is True
    assert await refused([*SAME_SITE, (b"cookie", cookie)]) is True
    await other.disconnect()


async def test_logging_out_through_the_admin_closes_the_socket(programme, staff_user):
    client, cookie = await in_thread(logged_in)(staff_user)
    communicator = await open_dashboard([*SAME_SITE, (b"cookie", cookie)])

    response = await in_thread(client.post)("/admin/logout/")
    assert response.status_code == 200
    assert await communicator.receive_output(timeout=1) == RIGHT_ENDED


async def test_the_recheck_closes_a_device_revoked_without_a_close_message(programme, scanner, settings):
    settings.SOCKET_RECHECK_SECONDS = 0.2
    device, token = scanner
    communicator = await open_dashboard(bearer(token))

    # As the admin's change form would: no service, so no close message.
    await in_thread(Device.objects.filter(pk=device.pk).update)(revoked_at=timezone.now())
    assert await communicator.receive_output(timeout=2) == RIGHT_ENDED


async def test_the_recheck_closes_an_organiser_who_is_no_longer_staff(programme, staff_user, settings):
    settings.SOCKET_RECHECK_SECONDS = 0.2
    _client, cookie = await in_thread(logged_in)(staff_user)
    communicator = await open_dashboard([*SAME_SITE, (b"cookie", cookie)])
    assert await communicator.receive_nothing(timeout=0.5) is True  # re-checked and still allowed

    staff_user.is_staff = staff_user.is_superuser = False
    await in_thread(staff_user.save)()
    assert await communicator.receive_output(timeout=2) == RIGHT_ENDED


async def test_the_recheck_closes_a_session_that_expired(programme, staff_user, settings):
    from django.contrib.sessions.models import Session

    settings.SOCKET_RECHECK_SECONDS = 0.2
    _client, cookie = await in_thread(logged_in)(staff_user)
    communicator = await open_dashboard([*SAME_SITE, (b"cookie", cookie)])

    await in_thread(Session.objects.update)(expire_date=timezone.now() - timedelta(seconds=1))
    assert await communicator.receive_output(timeout=2) == RIGHT_ENDED


async def test_a_device_of_another_edition_hears_only_its_own_edition(programme, event, municipalities):
    last_year = await in_thread(Event.objects.create)(
        slug="dld-vorig-jaar",
        name="Dag van de Lokale Democratie (vorig jaar)",
        date=event_day() - timedelta(days=365),
        venue="Prodentfabriek",
        capacity=100,
        registration_opens_at=timezone.now() - timedelta(days=400),
        registration_closes_at=timezone.now() - timedelta(days=370),
    )
    _old_device, old_token = await in_thread(create_device)(event=last_year, name="Oude ingang")
    _device, token = await in_thread(create_device)(event=event, name="Ingang")
    old = await open_dashboard(bearer(old_token))
    this_year = await open_dashboard(bearer(token))

    await in_thread(register)(event, municipalities["GM0307"], "Eva")

    assert (await this_year.receive_json_from(timeout=5))["registration"]["name"] == "Eva Jansen"
    assert await old.receive_nothing(timeout=0.3) is True
    await old.send_json_to({"type": "snapshot"})
    assert (await old.receive_json_from(timeout=5))["stats"]["registered"] == 0
    await old.disconnect()
    await this_year.disconnect()
