"""Live announcements in Chromium: an organiser posts one on /dashboard/mededelingen/ and it appears,
without a reload, on an attendee's own page on a phone and on the open programme; withdrawn, it
goes from both."""

from playwright.sync_api import expect

from events import services
from tests.e2e.browser import blocking_violations, new_context, open_live

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_an_announcement_appears_live_on_the_attendees_phone_and_the_programme(
    event, programme, municipalities, server, browser, anonymous_context, staff_context
):
    small, raad = programme["small"], programme["raad"]
    _registration, token = services.register(
        event=event,
        first_name="Bram",
        last_name="Jansen",
        email="bram.jansen@amersfoort.example",
        role="raadslid",
        municipality=municipalities["GM0307"],
        workshops=[small],
    )
    phone_context = new_context(browser, server, **PHONE)
    try:
        phone = phone_context.new_page()
        open_live(phone, f"/r/{token}/", "/ws/programme/")
        programme_page = anonymous_context.new_page()
        open_live(programme_page, "/", "/ws/programme/")
        phone_banner = phone.locator("#announcements")
        programme_banner = programme_page.locator("#announcements")
        expect(phone_banner).to_have_attribute("aria-live", "polite")
        expect(phone_banner.locator(".announcement")).to_have_count(0)

        organiser = staff_context.new_page()
        organiser.goto("/dashboard/mededelingen/")
        organiser.get_by_label("Mededeling").fill("Koffie <b>en</b> thee staan klaar in de foyer")
        organiser.get_by_role("button", name="Mededeling plaatsen").click()
        expect(organiser.locator(".announcement-list li")).to_have_count(1)

        for banner in (phone_banner, programme_banner):
            expect(banner.locator(".announcement")).to_have_text(
                "Koffie <b>en</b> thee staan klaar in de foyer"
            )
            expect(banner.locator("b")).to_have_count(0)  # plain text, never HTML

        # One for another workshop's attendees: on the programme with its title, not on Bram's page.
        organiser.get_by_label("Mededeling").fill("Deze sessie begint tien minuten later")
        organiser.get_by_label("Voor").select_option(str(raad.pk))
        organiser.get_by_role("button", name="Mededeling plaatsen").click()
        expect(programme_banner.locator(".announcement").first).to_have_text(
            f"{raad.title}: Deze sessie begint tien minuten later"
        )
        expect(phone_banner.locator(".announcement")).to_have_count(1)

        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth") is True
        assert (blocking_violations(phone), blocking_violations(organiser)) == ([], [])

        organiser.locator(".announcement-list li", has_text="Koffie").get_by_role("button").click()
        for banner in (phone_banner, programme_banner):
            expect(banner.get_by_text("Koffie", exact=False)).to_have_count(0)
        expect(programme_banner.locator(".announcement")).to_have_count(1)
        assert phone.evaluate("window.__noReload") is True
        assert programme_page.evaluate("window.__noReload") is True
    finally:
        phone_context.close()
