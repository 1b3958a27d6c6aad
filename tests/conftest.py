"""Shared fixtures: a small, fully known event; staff and scanner credentials; API helpers.
The objects are built by tests/factories.py; markers and helpers are in tests/support.py."""

import pytest
from django.test import Client

from checkin.selectors import forget_offline_lists
from checkin.services import create_device, devices
from events import outbox
from events.models import Event, Municipality, Registration, Workshop
from tests import factories
from tests.clock import AHEAD_VARIABLE, days_ahead, event_day, today

# Importable from here for tests written before tests/factories.py and tests/support.py; new tests
# import them from there (tests/test_test_modules.py fails on them).
from tests.factories import registration_payload  # noqa: F401
from tests.push_receiver import PushService
from tests.smtp import SmtpServer
from tests.support import USES_POSTGRES, USES_REDIS, post_json, requires_postgres, requires_redis, trail  # noqa: F401
from tests.webhooks import Receiver


def pytest_report_header(config) -> str:
    ahead = f", {days_ahead()} days ahead ({AHEAD_VARIABLE})" if days_ahead() else ""
    return f"clock: today is {today()}{ahead}; the test event is on {event_day()}"


@pytest.fixture
def municipalities(db) -> dict[str, Municipality]:
    return factories.create_municipalities()


@pytest.fixture
def event(db, municipalities) -> Event:
    return factories.create_event()


@pytest.fixture
def programme(event) -> dict:
    """A plenary opening and two workshop rounds; `small` has two seats."""
    return factories.create_programme(event)


@pytest.fixture
def make_attendee(event, municipalities):
    """make_attendee(n, *workshops, **fields) registers person n through the service."""

    def make(n: int = 1, *workshops: Workshop, **fields) -> Registration:
        return factories.register_attendee(event, n, *workshops, **fields)

    return make


@pytest.fixture
def api() -> Client:
    return Client()


@pytest.fixture
def staff_user(db, django_user_model):
    return django_user_model.objects.create_user("organisator", password="geheim-wachtwoord", is_staff=True)


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    return client


@pytest.fixture
def organiser_admin(staff_user) -> Client:
    """The admin, as the organiser (a superuser there)."""
    staff_user.is_superuser = True
    staff_user.save()
    client = Client()
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
    """Each process remembers devices and offline lists for a few seconds; no test may see another's."""
    devices.reset()
    forget_offline_lists()
    yield
    devices.reset()
    forget_offline_lists()


@pytest.fixture(autouse=True)
def _fresh_outbox_sender():
    """A mail a test handed to the sender thread (EMAIL_DELIVERY=thread) is not sent in the next."""
    yield
    outbox.reset()


@pytest.fixture(autouse=True)
def _fresh_channel_layers():
    """The in-memory channel layer is per process: start every test with empty groups."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def receiver(settings):
    """`receiver(fail_first=…, status=…, delay=…)`: a local webhook endpoint (tests/webhooks.py), shut
    down after the test. Plain http is allowed for it."""
    settings.WEBHOOKS_ALLOW_HTTP = True
    made = []

    def make(**options) -> Receiver:
        made.append(Receiver(**options))
        return made[-1]

    yield make
    for one in made:
        one.close()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (tests/smtp.py) that Django's SMTP backend sends to; what
    arrives is in `smtp_server.arrivals`. Stopped after the test."""
    with SmtpServer() as server:
        for name, value in server.django_settings().items():
            setattr(settings, name, value)
        yield server


@pytest.fixture
def push_service(settings):
    """A local Web Push service with browsers on it (tests/push_receiver.py), shut down after the
    test. Plain http is allowed for its endpoints."""
    settings.WEBPUSH_ALLOW_HTTP = True
    service = PushService()
    yield service
    service.close()
