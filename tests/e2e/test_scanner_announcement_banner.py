"""Announcements on a scanner phone in Chromium: the scanner has no socket, it asks every 15
seconds (the phone's clock is moved on here). The banner (aria-live) shows those for everyone and
not another room's; offline it keeps them; withdrawn, they go at the next answer."""

from datetime import UTC, datetime

from playwright.sync_api import expect

from events.announcements import services
from tests.e2e.scanner_support import new_phone, pair_phone

POLL = "00:16"  # one poll interval (15 s) and a little


def test_a_scanner_shows_its_announcements_keeps_them_offline_and_drops_withdrawn_ones(
    chromium, live_server_url, event, programme
):
    phone = new_phone(chromium, live_server_url)
    phone.clock.install(time=datetime.now(UTC))
    _device, page = pair_phone(phone, event, "Ingang noord")
    banner = page.locator("#announcements")
    expect(banner).to_have_attribute("aria-live", "polite")
    expect(banner.locator(".announcement")).to_have_count(0)

    lunch = services.post_announcement(event, text="Lunch <b>om</b> half een in de foyer.")
    services.post_announcement(event, text="Klein gezelschap is vol.", workshop=programme["small"])
    with page.expect_response("**/api/v1/checkin/announcements"):
        page.clock.fast_forward(POLL)
    expect(banner.locator(".announcement")).to_have_text(["Lunch <b>om</b> half een in de foyer."])
    expect(banner.locator("b")).to_have_count(0)  # plain text, never HTML

    # Offline: the phone keeps what it had, also across a reload of the page.
    phone.set_offline(True)
    services.withdraw_announcement(event, lunch.pk)
    page.clock.fast_forward(POLL)
    expect(banner.locator(".announcement")).to_have_count(1)
    page.reload()
    expect(banner.locator(".announcement")).to_have_text(["Lunch <b>om</b> half een in de foyer."])

    phone.set_offline(False)
    with page.expect_response("**/api/v1/checkin/announcements"):
        page.clock.fast_forward(POLL)
    expect(banner.locator(".announcement")).to_have_count(0)
    phone.close()
