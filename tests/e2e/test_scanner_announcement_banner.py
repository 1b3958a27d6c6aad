"""Announcements on a scanner phone in Chromium: the programme socket tells it the moment one is
posted or withdrawn and it asks for its door's at once; it also asks every 15 seconds (the phone's
clock is moved on here). The banner (aria-live) shows those for everyone and
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


def test_a_posted_announcement_reaches_the_scanner_at_once_not_at_its_next_poll(
    chromium, live_server_url, event, programme, staff_context
):
    phone = new_phone(chromium, live_server_url)
    # The phone's timers stand still: its 15-second poll never comes, only the socket's nudge can.
    phone.clock.install(time=datetime.now(UTC))
    _device, page = pair_phone(phone, event, "Ingang zuid")
    banner = page.locator("#announcements")
    expect(banner).to_have_attribute("data-live", "on")
    organiser = staff_context.new_page()
    organiser.goto("/dashboard/mededelingen/")
    organiser.get_by_label("Mededeling").fill("De garderobe is vol: jassen naar zaal 2")
    with page.expect_response("**/api/v1/checkin/announcements", timeout=5000):
        organiser.get_by_role("button", name="Mededeling plaatsen").click()
    expect(banner.locator(".announcement")).to_have_text(["De garderobe is vol: jassen naar zaal 2"])

    with page.expect_response("**/api/v1/checkin/announcements", timeout=5000):
        organiser.get_by_role("button", name="Intrekken").first.click()
    expect(banner.locator(".announcement")).to_have_count(0)
    phone.close()
