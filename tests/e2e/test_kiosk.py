"""The signup kiosk on a tablet in a real Chromium: fill in, submit, see the result, and the
screen returns to an empty form by itself; the wall at the stand follows live.

Uses its own small fixtures; tests/e2e/conftest.py (where present) provides the same kind."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from networking.models import Signup
from tests.live import daphne
from tests.networking.conftest import create_offers

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TABLET = {"width": 820, "height": 1180}
TIMEOUT_MS = 10_000

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium"),
]


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def kiosk_browser(django_db_setup):
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def kiosk_server(transactional_db, event, tmp_path):
    create_offers(event)
    with daphne(mail_dir=tmp_path / "mail") as url:
        yield url


@pytest.fixture
def tablet(kiosk_browser, kiosk_server):
    context = kiosk_browser.new_context(
        base_url=kiosk_server, viewport=TABLET, has_touch=True, is_mobile=True, locale="nl-NL"
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    yield context
    context.close()


def test_kiosk_flow_on_a_tablet(tablet, kiosk_server, municipalities):
    wall = tablet.new_page()
    wall.goto("/netwerk/muur/")
    expect(wall.locator("#live-status")).to_have_attribute("data-state", "online")
    expect(wall.locator("#member-count")).to_have_text("0")

    kiosk = tablet.new_page()
    kiosk.goto("/netwerk/?kiosk=1&reset=1")
    expect(kiosk.locator("form.signup-form")).to_have_attribute("autocomplete", "off")
    quick_scan_places = kiosk.locator('[data-offer-places="quick-scan"]')
    expect(quick_scan_places).to_have_text("nog 50 plekken")

    kiosk.get_by_label("Gemeente", exact=True).fill("Amersfoort (GM0307)")
    kiosk.get_by_label("Uw naam").fill("Karin de Griffier")
    kiosk.get_by_label("Uw functie").fill("griffier")
    kiosk.get_by_label("Uw e-mailadres").fill("griffie@amersfoort.example")
    kiosk.get_by_label("Quick Scan Lokale Democratie").check()
    kiosk.get_by_label("Netwerk Lokale Digitale Democratie").check()
    kiosk.get_by_label("Ik ga ermee akkoord", exact=False).check()
    kiosk.get_by_role("button", name="Aanmelden").tap()

    expect(kiosk.get_by_role("heading", name="Dank u wel: Amersfoort is aangemeld")).to_be_visible()
    expect(kiosk.locator(".outcome.accepted")).to_have_count(2)
    # The wall heard of it at once.
    expect(wall.locator("#members li .name")).to_have_text(["Amersfoort"])
    expect(wall.locator("#member-count")).to_have_text("1")

    # After the (1 s) timeout the kiosk is back at an empty form.
    expect(kiosk.get_by_label("Gemeente", exact=True)).to_be_visible()
    expect(kiosk).to_have_url(f"{kiosk_server}/netwerk/?kiosk=1&reset=1")
    for name in ("municipality", "contact_name", "contact_role", "contact_email"):
        expect(kiosk.locator(f'input[name="{name}"]')).to_have_value("")
    expect(kiosk.get_by_label("Quick Scan Lokale Democratie")).not_to_be_checked()
    expect(quick_scan_places).to_have_text("nog 49 plekken")
    assert kiosk.locator("text=Karin").count() == 0

    # Another municipality signs up elsewhere: the kiosk's places follow live.
    answer = tablet.request.post(
        "/api/v1/signups",
        data=json.dumps(
            {
                "municipality": "GM0363",
                "contact_name": "Jan",
                "contact_email": "jan@amsterdam.example",
                "offers": ["quick-scan"],
            }
        ),
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 201
    expect(quick_scan_places).to_have_text("nog 48 plekken")
    assert Signup.objects.filter(offer__slug="quick-scan").count() == 2
