"""Shared fixtures: a small, fully known event; staff and scanner credentials; API helpers."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from checkin.services import create_device
from events import services
from events.models import Event, Municipality, Registration, Room, Round, Workshop

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
USES_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
USES_REDIS = bool(settings.REDIS_URL)

requires_postgres = pytest.mark.skipif(
    not USES_POSTGRES,
    reason="needs PostgreSQL for real row locks: set DATABASE_URL=postgres://… (SQLite serialises writers)",
)
requires_redis = pytest.mark.skipif(
    not USES_REDIS, reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0"
)


def at(hour: int, minute: int = 0, day: int = 16) -> datetime:
    return datetime(2027, 11, day, hour, minute, tzinfo=AMSTERDAM)


@pytest.fixture
def municipalities(db) -> dict[str, Municipality]:
    rows = [
        ("GM0307", "Amersfoort", "Utrecht"),
        ("GM0363", "Amsterdam", "Noord-Holland"),
        ("GM0599", "Rotterdam", "Zuid-Holland"),
        ("GM0518", "'s-Gravenhage", "Zuid-Holland"),
        ("GM0080", "Leeuwarden", "Fryslân"),
    ]
    return {
        code: Municipality.objects.create(code=code, name=name, province=province)
        for code, name, province in rows
    }


@pytest.fixture
def event(db, municipalities) -> Event:
    return Event.objects.create(
        slug="dld-test",
        name="Dag van de Lokale Democratie",
        date=at(9).date(),
        venue="Prodentfabriek",
        venue_address="Amersfoort",
        registration_opens_at=timezone.now() - timedelta(days=30),
        registration_closes_at=timezone.now() + timedelta(days=30),
        capacity=100,
    )


@pytest.fixture
def programme(event) -> dict:
    """A plenary opening and two workshop rounds; `small` has two seats."""
    hall = Room.objects.create(event=event, name="Grote Zaal", capacity=800)
    room_a = Room.objects.create(event=event, name="Zaal A", capacity=40)
    room_b = Room.objects.create(event=event, name="Zaal B", capacity=30)
    opening = Round.objects.create(
        event=event, label="Opening", kind="plenary", starts_at=at(10), ends_at=at(10, 45)
    )
    first = Round.objects.create(event=event, label="Ronde 1", starts_at=at(11), ends_at=at(12))
    second = Round.objects.create(event=event, label="Ronde 2", starts_at=at(13), ends_at=at(14))

    def workshop(slug, round_, room, capacity, theme="krachtige-gemeenteraad"):
        return Workshop.objects.create(
            slug=slug,
            title=slug.replace("-", " ").title(),
            round=round_,
            room=room,
            capacity=capacity,
            theme=theme,
        )

    return {
        "opening": workshop("opening", opening, hall, 800, theme=""),
        "raad": workshop("sterke-raad", first, room_a, 40),
        "small": workshop("klein-gezelschap", first, room_b, 2, theme="inwoners-betrekken"),
        "digital": workshop("digitale-participatie", second, room_a, 40, theme="opschalen-uitbreiden"),
        "rounds": {"opening": opening, "first": first, "second": second},
        "rooms": {"hall": hall, "a": room_a, "b": room_b},
    }


@pytest.fixture
def make_attendee(event, municipalities):
    """make_attendee(n, *workshops, **fields) registers person n through the service."""

    def make(n: int = 1, *workshops: Workshop, **fields) -> Registration:
        data = {
            "event": event,
            "first_name": "Deelnemer",
            "last_name": str(n),
            "email": f"deelnemer{n}@x.example",
            "role": "raadslid",
            "municipality": municipalities["GM0307"],
            "workshops": workshops,
        }
        registration, _token = services.register(**{**data, **fields})
        return registration

    return make


def registration_payload(n: int = 1, **overrides) -> dict:
    payload = {
        "first_name": "Anna",
        "last_name": f"de Vries {n}",
        "email": f"anna.{n}@amersfoort.example",
        "role": "raadslid",
        "municipality": "GM0307",
        "workshops": [],
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def api() -> Client:
    return Client()


def post_json(client: Client, path: str, data, **extra):
    return client.post(path, data=data, content_type="application/json", **extra)


@pytest.fixture
def staff_user(db, django_user_model):
    return django_user_model.objects.create_user("organisator", password="geheim-wachtwoord", is_staff=True)


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    return client


@pytest.fixture
def scanner(event) -> tuple:
    """(device, token) of a paired scanner at the entrance."""
    return create_device(event=event, name="Ingang noord")


@pytest.fixture
def scanner_headers(scanner) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {scanner[1]}"}


@pytest.fixture(autouse=True)
def _forget_scanner_devices():
    """Each process remembers devices for a few seconds; no test may see another's."""
    from checkin.services import _devices

    _devices.clear()
    yield
    _devices.clear()


@pytest.fixture(autouse=True)
def _fresh_channel_layers():
    """The in-memory channel layer is per process: start every test with empty groups."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
