"""The signup kiosk on a tablet in a real Chromium: fill in, submit, see the result, and the
screen returns to an empty form by itself; the wall at the stand follows live."""

import json

import pytest
from playwright.sync_api import expect

from networking.models import Signup
from tests.e2e.browser import new_context
from tests.factories import create_offers

TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def kiosk_server(event, server):
    """The server, with the network's offers on the signup form."""
    create_offers(event)
    return server


@pytest.fixture
def tablet(browser, kiosk_server):
    context = new_context(browser, kiosk_server, viewport=TABLET, has_touch=True, is_mobile=True)
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
