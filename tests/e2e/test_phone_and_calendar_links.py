"""In Chromium, on a phone and a laptop: "Use this phone" marks the phone (and only that button
does), "Make a new calendar link" gives a new subscription link; nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from events.models import Registration
from networking.phone import PHONE_COOKIE
from tests.factories import attendee

SCREENS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}


@pytest.mark.parametrize("screen", SCREENS)
def test_use_this_phone_and_a_new_calendar_link(browser, server, event, programme, screen):
    registration, token = attendee(event, "Sanne Visser", opt_in=True)
    context = browser.new_context(
        base_url=server, viewport=SCREENS[screen], locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"/r/{token}/")
        expect(page.locator('img[alt="Uw persoonlijke verbindcode (QR)"]')).to_be_visible()
        assert [c["name"] for c in context.cookies() if c["name"] == PHONE_COOKIE] == []

        page.get_by_role("button", name="Gebruik deze telefoon").click()
        expect(page.get_by_text("Deze telefoon staat nu op uw naam.")).to_be_visible()
        expect(page.get_by_role("button", name="Vergeet deze telefoon")).to_be_visible()
        assert [c["name"] for c in context.cookies() if c["name"] == PHONE_COOKIE] == [PHONE_COOKIE]
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        old_feed = page.get_by_role("link", name="Abonneren op mijn agenda").get_attribute("href")
        page.get_by_role("button", name="Nieuwe agendalink maken").click()
        expect(page.get_by_text("de oude agendalink werkt niet meer")).to_be_visible()
        renewed = Registration.objects.get(pk=registration.pk)
        new_feed = page.get_by_role("link", name="Abonneren op mijn agenda").get_attribute("href")
        assert (old_feed.endswith(f"/ical/r/{registration.calendar_token}.ics"), new_feed) == (
            True,
            f"webcal://127.0.0.1:{server.rsplit(':', 1)[1]}/ical/r/{renewed.calendar_token}.ics",
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
