"""An intake with an adviser in Chromium: Amersfoort's signup contact (a phone, 390 px) books a time
with Ria from the signup's private page; another municipality's contact (a laptop) finds that time
gone when booking it too and is shown Ria's other free time; Ria's meetings page lists the intake.
Nothing scrolls sideways and axe finds no serious violation."""

from playwright.sync_api import expect

from networking import services as signup_services
from networking.models import DirectoryProfile, Intake, MeetingSlot
from tests.clock import at
from tests.e2e.browser import blocking_violations, new_context, overflowing
from tests.factories import attendee, create_offers

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


def test_a_signup_contact_books_an_intake_and_the_other_finds_the_time_taken(
    browser, server, event, programme, municipalities, tmp_path
):
    offers = create_offers(event)
    ria, ria_token = attendee(event, "Ria Vermeer")
    DirectoryProfile.objects.filter(registration=ria).update(adviser=True)
    lunch = MeetingSlot.objects.create(event=event, starts_at=at(12, 15), ends_at=at(12, 30))
    MeetingSlot.objects.create(event=event, starts_at=at(12, 30), ends_at=at(12, 45))
    tokens = [
        signup_services.sign_up(
            event=event,
            municipality=municipalities[code],
            contact_name=name,
            contact_email=f"griffie@{code}.example",
            offers=[offers["quick-scan"]],
        ).manage_token
        for code, name in (("GM0307", "Karin de Griffier"), ("GM0363", "Sam Jansen"))
    ]
    phone = new_context(browser, server, viewport=PHONE)
    laptop = new_context(browser, server, viewport=LAPTOP)
    try:
        first, second = phone.new_page(), laptop.new_page()
        for page, token in ((first, tokens[0]), (second, tokens[1])):
            page.goto(f"/netwerk/aanmelding/{token}/")
            expect(page.get_by_role("heading", name="Intake met een adviseur")).to_be_visible()
        first.get_by_label("Intake met Ria Vermeer").select_option(label="12:15–12:30")
        first.get_by_role("button", name="Dit moment boeken").click()
        expect(first.get_by_text("Intake geboekt.")).to_be_visible()
        expect(first.locator("li[data-intake]")).to_contain_text("12:15–12:30 · Intake met Ria Vermeer")
        first.screenshot(path=str(tmp_path / "intake-phone.png"), full_page=True)
        assert (overflowing(first, PHONE["width"]), blocking_violations(first)) == ([], [])

        # The laptop's page still offers 12:15: booking it is refused with Ria's other time.
        second.get_by_label("Intake met Ria Vermeer").select_option(label="12:15–12:30")
        second.get_by_role("button", name="Dit moment boeken").click()
        expect(second.get_by_role("alert")).to_contain_text("Ria Vermeer is op dit moment niet meer vrij.")
        expect(
            second.get_by_text("Andere momenten waarop deze adviseur nog vrij is: 12:30–12:45")
        ).to_be_visible()
        second.screenshot(path=str(tmp_path / "intake-laptop.png"), full_page=True)
        assert blocking_violations(second) == []

        adviser = laptop.new_page()
        adviser.goto(f"/r/{ria_token}/gesprekken/")
        expect(adviser.locator("li[data-intake]")).to_contain_text(
            "12:15–12:30 · Amersfoort · Karin de Griffier"
        )
        assert list(Intake.objects.values_list("slot", "municipality")) == [(lunch.pk, "GM0307")]
    finally:
        phone.close()
        laptop.close()
