"""The dashboard in Chromium while Redis is down: it says it is offline (its figures are stale),
and once Redis is back it reconnects by itself and catches up with what happened meanwhile."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.factories import registration_payload
from tests.live import daphne, redis_server
from tests.mail_backends import FAILING

# The page retries with a backoff of up to 30 s; Redis is back after a few seconds here.
RECONNECT_MS = 40_000


@pytest.fixture
def private_redis():
    with redis_server() as redis:
        yield redis


@pytest.fixture
def server(transactional_db, private_redis):
    """Overrides conftest's: a daphne whose channel layer is the private Redis, and whose mail
    server is down too (its mails wait in the outbox)."""
    with daphne(env={"REDIS_URL": private_redis.url, "EMAIL_BACKEND": FAILING}) as url:
        yield url


def register(server: str, n: int) -> int:
    request = urllib.request.Request(
        f"{server}/api/v1/registrations",
        data=json.dumps(registration_payload(n)).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_dashboard_shows_offline_while_redis_is_down_and_catches_up(
    staff_context, server, private_redis, programme
):
    page = staff_context.new_page()
    page.goto("/dashboard/")
    status = page.locator("#live-status")
    expect(status).to_have_attribute("data-state", "online")
    expect(page.locator("#registered")).to_have_text("0")
    expect(page.locator('#outbox [data-field="queued"]')).to_have_text("0")

    private_redis.kill()
    expect(status).to_have_attribute("data-state", "offline")
    expect(status).to_have_text("Offline — opnieuw verbinden; cijfers kunnen verouderd zijn")

    assert register(server, 1) == 201  # HTTP goes on; the dashboard does not hear of it
    expect(status).not_to_have_attribute("data-state", "online", timeout=3_000)
    expect(page.locator("#registered")).to_have_text("0")

    private_redis.start()
    expect(status).to_have_attribute("data-state", "online", timeout=RECONNECT_MS)
    expect(page.locator("#registered")).to_have_text("1")  # the snapshot on reconnect
    expect(page.locator('#outbox [data-field="queued"]')).to_have_text("1")  # its mail waits
    assert register(server, 2) == 201
    expect(page.locator("#registered")).to_have_text("2")  # and live events again
