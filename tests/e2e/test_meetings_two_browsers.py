"""1:1 meetings in Chromium, two people in two browsers: Anna (a phone) asks Bram from his entry in
the directory, Bram (a laptop) accepts, both pages show the table, both calendar feeds have the
meeting, and Anna's page shows the reminder in the ten minutes before it; nothing scrolls sideways
and axe finds no serious violation."""

from datetime import timedelta

from playwright.sync_api import expect

from networking.models import Meeting, MeetingSlot, MeetingTable
from tests.clock import at
from tests.e2e.browser import NARROW, blocking_violations, new_context, overflowing
from tests.factories import attendee


def test_request_accept_and_both_calendars(browser, server, event, programme, municipalities):
    anna, anna_token = attendee(event, "Anna Bakker", municipality=municipalities["GM0307"])
    bram, bram_token = attendee(event, "Bram de Wit", municipality=municipalities["GM0363"], role="wethouder")
    lunch = MeetingSlot.objects.create(event=event, starts_at=at(12, 15), ends_at=at(12, 30))
    MeetingSlot.objects.create(event=event, starts_at=at(12, 30), ends_at=at(12, 45))
    MeetingTable.objects.create(event=event, number=7, area="Netwerkplein")
    phone = new_context(browser, server, viewport=NARROW)
    laptop = new_context(browser, server, viewport={"width": 1366, "height": 900})
    try:
        asking = phone.new_page()
        asking.goto(f"/r/{anna_token}/deelnemers/")
        asking.locator("li.person", has_text="Bram de Wit").get_by_role(
            "link", name="Gesprek aanvragen"
        ).click()
        expect(asking.get_by_role("heading", name="Gesprek aanvragen met Bram de Wit")).to_be_visible()
        assert (overflowing(asking), blocking_violations(asking)) == ([], [])
        asking.get_by_label("12:15–12:30").check()
        asking.get_by_label("Bericht (niet verplicht)").fill("Over burgerberaden")
        asking.get_by_role("button", name="Verzoek versturen").click()
        expect(asking.get_by_text("Uw verzoek is verstuurd.")).to_be_visible()
        expect(asking.locator("li.meeting, li.contact", has_text="Bram de Wit")).to_contain_text(
            "wacht op antwoord"
        )

        answering = laptop.new_page()
        answering.goto(f"/r/{bram_token}/gesprekken/")
        request = answering.locator("li.contact", has_text="Anna Bakker")
        expect(request).to_contain_text("12:15–12:30")
        expect(request).to_contain_text("Over burgerberaden")
        request.get_by_role("button", name="Accepteren").click()
        expect(answering.get_by_text("Gesprek geaccepteerd: het staat in uw agenda.")).to_be_visible()
        expect(answering.locator("li.meeting")).to_contain_text("Tafel 7 (Netwerkplein)")
        assert blocking_violations(answering) == []

        asking.reload()
        expect(asking.locator("li.meeting")).to_contain_text(
            "12:15–12:30 · Tafel 7 (Netwerkplein) · Bram de Wit"
        )
        assert overflowing(asking) == []

        meeting = Meeting.objects.get()
        for context, person in ((phone, anna), (laptop, bram)):
            feed = context.request.get(f"/ical/r/{person.calendar_token}.ics").text()
            assert f"UID:{meeting.uid}@dagvandelokaledemocratie.nl" in feed
            assert "STATUS:CONFIRMED" in feed.split(f"UID:{meeting.uid}")[1].split("END:VEVENT")[0]

        # Five minutes before the meeting, by the phone's clock: the reminder shows.
        asking.clock.set_fixed_time(lunch.starts_at - timedelta(minutes=5))
        asking.reload()
        expect(asking.get_by_role("alert")).to_contain_text(
            "Over een paar minuten: uw gesprek met Bram de Wit"
        )
    finally:
        phone.close()
        laptop.close()
