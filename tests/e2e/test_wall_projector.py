"""The network wall on a projector (1920 × 1080), read from 10 m: the count of municipalities at
least 10 % of the screen's height, names large, everything on one screen without scrolling."""

import pytest
from playwright.sync_api import expect

from events.models import Municipality
from networking.models import NETWORK_SLUG, Signup
from tests.e2e.browser import TIMEOUT_MS
from tests.factories import create_offers

PROJECTOR = {"width": 1920, "height": 1080}


@pytest.fixture
def network_wall(event, municipalities):
    """Every test municipality joined the network today."""
    offers = create_offers(event)
    for n, municipality in enumerate(Municipality.objects.order_by("name")):
        Signup.objects.create(
            offer=offers[NETWORK_SLUG], municipality=municipality, reference=f"NW-{n:04}", status="accepted"
        )
    return Municipality.objects.count()


def test_the_wall_is_readable_from_ten_metres(browser, server, network_wall):
    context = browser.new_context(
        base_url=server, locale="nl-NL", timezone_id="Europe/Amsterdam", viewport=PROJECTOR
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto("/netwerk/muur/")
        count = page.locator("#member-count")
        expect(count).to_have_text(str(network_wall))
        assert count.bounding_box()["height"] >= 0.10 * PROJECTOR["height"]
        names = page.locator("#members .name")
        expect(names).to_have_count(network_wall)
        # Measured in one pass inside the page: the wall redraws its list on every live message,
        # so an element located first and measured later may already be detached (font size "").
        measured = page.evaluate(
            """() => [...document.querySelectorAll("#members .name")].map((element) => ({
                fontSize: parseFloat(getComputedStyle(element).fontSize),
                bottom: element.getBoundingClientRect().bottom,
            }))"""
        )
        assert len(measured) == network_wall
        for name in measured:
            assert name["fontSize"] >= 0.035 * PROJECTOR["height"]
            assert name["bottom"] <= PROJECTOR["height"]
        qr = page.locator(".wall-qr svg").bounding_box()
        assert qr["y"] + qr["height"] <= PROJECTOR["height"]
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth") is True
    finally:
        context.close()
