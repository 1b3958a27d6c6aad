"""The organisers' dashboard in Chromium: scans through the API make the figures, the room, the door
and the chart move without a reload; a lost server shows as offline.

The fixtures are local to this module (named apart from tests/e2e/conftest.py's, which may or may
not be present): one Chromium per module, a real daphne per test.
"""

import json
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from events import live, services
from networking.models import Offer
from tests.conftest import requires_redis
from tests.live import daphne

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM}: apt-get install chromium"
    ),
]


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django refuses the ORM beside one.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def chromium(django_db_setup):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


def organiser_page(browser, server: str, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=server, locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": server,
            }
        ]
    )
    return context, context.new_page()


def redeem(server: str, token: str, secret: str, workshop: int | None = None) -> dict:
    body = {"secret": f"DLD1:{secret}", **({"workshop": workshop} if workshop else {})}
    request = urllib.request.Request(
        f"{server}/api/v1/checkin/redeem",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def attendees(transactional_db, programme, event, municipalities):
    people = []
    for n, code in enumerate(["GM0307", "GM0599", "GM0080"]):
        registration, _token = services.register(
            event=event,
            first_name="Deelnemer",
            last_name=f"Nummer {n}",
            email=f"d{n}@x.example",
            role="raadslid",
            municipality=municipalities[code],
            workshops=[programme["raad"]],
            send_confirmation=False,
        )
        people.append(registration)
    return people


def test_scans_move_figures_room_door_and_chart_without_reload(
    chromium, programme, attendees, scanner, staff_user
):
    from playwright.sync_api import expect

    device, token = scanner
    raad = programme["raad"]
    with daphne() as server:
        context, page = organiser_page(chromium, server, staff_user)
        page.goto("/dashboard/")
        expect(page.locator("#live-status")).to_have_attribute("data-state", "online")
        expect(page.locator("#registered")).to_have_text("3")
        expect(page.locator("#checked-in")).to_have_text("0")
        workshop_row = page.locator(f'#workshop-rows tr[data-workshop="{raad.pk}"]')
        door_row = page.locator(f'#device-rows tr[data-source="device-{device.pk}"]')
        chart = page.locator("#arrivals-chart")
        expect(workshop_row.locator('[data-field="checked_in"]')).to_have_text("0")
        expect(door_row.locator('[data-field="scans"]')).to_have_text("0")
        expect(chart).to_have_attribute("aria-label", "Nog geen aankomsten.")
        expect(chart.locator("canvas")).to_have_count(1)  # uPlot drew (an empty) chart
        page.evaluate("window.notReloaded = true")

        assert redeem(server, token, attendees[0].badge_secret)["status"] == "ok"
        assert redeem(server, token, attendees[1].badge_secret)["status"] == "ok"
        assert redeem(server, token, attendees[0].badge_secret, workshop=raad.pk)["status"] == "ok"

        expect(page.locator("#checked-in")).to_have_text("2")
        expect(page.locator("#not-arrived")).to_have_text("1")
        expect(workshop_row.locator('[data-field="checked_in"]')).to_have_text("1")
        expect(door_row.locator('[data-field="scans"]')).to_have_text("3")
        expect(door_row.locator('[data-field="checked_in"]')).to_have_text("3")
        expect(door_row.locator('[data-field="last_seen"]')).to_contain_text("zojuist")
        expect(chart).to_have_attribute("data-total", "2")
        expect(chart).to_have_attribute("aria-label", re.compile(r"^Aankomsten per 5 minuten: 2 in totaal;"))
        expect(page.locator("#arrivals-rows tr td.num")).to_have_text(["2"])
        expect(page.locator("#recent-scans tr").first).to_contain_text("Deelnemer Nummer 0")
        expect(page.locator("#recent-scans tr").first).to_contain_text(raad.title)
        expect(page.locator('#role-rows tr[data-key="raadslid"] [data-field="checked_in"]')).to_have_text("2")
        assert page.evaluate("window.notReloaded") is True

    # The server is gone: the page says so instead of showing stale figures as live.
    expect(page.locator("#live-status")).to_have_attribute("data-state", re.compile("offline|connecting"))
    expect(page.locator("#live-status")).to_have_attribute("data-state", "offline")
    context.close()


@requires_redis
def test_a_signup_updates_the_offer_row(transactional_db, chromium, programme, event, staff_user):
    """Published from this test process; Redis carries it to the daphne process's socket."""
    from playwright.sync_api import expect

    Offer.objects.create(
        event=event, slug="quick-scan", title="Quick Scan Lokale Democratie", places=50, position=1
    )
    with daphne() as server:
        context, page = organiser_page(chromium, server, staff_user)
        page.goto("/dashboard/")
        expect(page.locator("#live-status")).to_have_attribute("data-state", "online")
        row = page.locator('#offer-rows tr[data-offer="quick-scan"]')
        expect(row.locator('[data-field="last_signup"]')).to_have_text("–")

        # In a thread of its own: async_to_sync refuses to run beside Playwright's event loop.
        message = {
            "type": "signup",
            "offer": {
                "slug": "quick-scan",
                "title": "Quick Scan",
                "places": 50,
                "taken": 1,
                "waitlisted": 0,
                "places_left": 49,
            },
            "signup": {
                "municipality": "Amersfoort",
                "province": "Utrecht",
                "status": "accepted",
                "position": None,
                "created_at": "2027-11-16T10:15:00+01:00",
            },
        }
        with ThreadPoolExecutor(1) as pool:
            pool.submit(live.publish, live.DASHBOARD, message).result()

        expect(row.locator('[data-field="taken"]')).to_have_text("1")
        expect(row.locator('[data-field="places_left"]')).to_have_text("49")
        expect(row.locator('[data-field="last_signup"]')).to_have_text("Amersfoort (10:15)")
        context.close()
