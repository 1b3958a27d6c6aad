"""The map of the Netherlands in Chromium: on a phone (390 × 844) and a projector (1920 × 1080)
without sideways scrolling, and a signup colouring its municipality live on the wall, checked by
the colour of the screenshot's pixel at the municipality's centre."""

import io
import json
import time

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.browser import new_context
from tests.factories import create_offers, signup_payload

PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
# The legend's colours (networking/static/networking/network.css).
BLANK, SIGNED_UP = (0xE6, 0xE6, 0xE6), (0xE6, 0x9F, 0x00)


@pytest.fixture
def offers(event, municipalities):
    return create_offers(event)


def pixel_at_centre(page, code: str) -> tuple[int, int, int]:
    """The colour on screen in the middle of the municipality's outline (Leeuwarden is compact)."""
    box = page.locator(f'path[data-code="{code}"]').bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    return shot.getpixel((round(x), round(y)))


@pytest.mark.parametrize("viewport", [PHONE, PROJECTOR], ids=["phone", "projector"])
@pytest.mark.parametrize("url", ["/netwerk/kaart/", "/netwerk/muur/"])
def test_map_pages_fit_the_screen_width(browser, server, offers, viewport, url):
    context = new_context(browser, server, viewport=viewport)
    try:
        page = context.new_page()
        page.goto(url)
        expect(page.locator("#live-status")).to_have_attribute("data-state", "online")
        svg = page.locator(".map-svg").bounding_box()
        assert page.locator(".map-svg path[data-code]").count() == 342
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth") is True
        assert (svg["x"] >= 0, svg["x"] + svg["width"] <= viewport["width"], svg["height"] > 200) == (
            True,
            True,
            True,
        )
        if viewport is PROJECTOR:  # the whole country and its legend on one screen
            legend = page.locator(".map-legend").bounding_box()
            assert legend["y"] + legend["height"] <= PROJECTOR["height"]
    finally:
        context.close()


def test_a_signup_colours_its_municipality_on_the_wall_live(browser, server, offers):
    context = new_context(browser, server, viewport=PROJECTOR)
    try:
        wall = context.new_page()
        wall.goto("/netwerk/muur/")
        expect(wall.locator("#live-status")).to_have_attribute("data-state", "online")
        leeuwarden = wall.locator('path[data-code="GM0080"]')
        assert pixel_at_centre(wall, "GM0080") == BLANK

        started = time.monotonic()
        answer = context.request.post(
            "/api/v1/signups",
            data=json.dumps(
                signup_payload(municipality="GM0080", contact_email="griffie@leeuwarden.example")
            ),
            headers={"Content-Type": "application/json"},
        )
        assert answer.status == 201
        expect(leeuwarden).to_have_class("signed-up")
        took = time.monotonic() - started

        assert pixel_at_centre(wall, "GM0080") == SIGNED_UP
        expect(wall.locator('#map-rows tr[data-code="GM0080"] th')).to_have_text("Leeuwarden")
        expect(wall.locator('[data-state-count="signed-up"]')).to_have_text("1")
        leeuwarden.focus()
        expect(wall.locator("#map-caption")).to_have_text(
            "Leeuwarden: aangemeld voor Netwerk Lokale Digitale Democratie (toegekend), "
            "Quick Scan Lokale Democratie (toegekend)"
        )
        assert took < 5
    finally:
        context.close()


def test_the_dashboard_map_follows_a_signup_live(staff_context, offers):
    page = staff_context.new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/dashboard/")
    amsterdam = page.locator('.dashboard-map path[data-code="GM0363"]')
    expect(amsterdam).to_have_attribute("aria-hidden", "true")
    expect(page.locator("[data-map-socket]")).to_have_attribute("data-live", "online")  # it hears the dashboard's socket

    answer = staff_context.request.post(
        "/api/v1/signups",
        data=json.dumps(signup_payload(municipality="GM0363", contact_email="griffie@amsterdam.example")),
        headers={"Content-Type": "application/json"},
    )

    assert answer.status == 201
    expect(amsterdam).to_have_class("signed-up")
    expect(page.locator('.dashboard-map #map-rows tr[data-code="GM0363"] th')).to_have_text("Amsterdam")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth") is True
