"""The reminder of "My meetings" by a frozen browser clock: from ten minutes before an agreed
meeting until it begins, not on another day at the same hour, and the same in a
browser in another time zone (the page's data carries the UTC offset; the text the Amsterdam
time). The page's own 20-second timer shows it without a reload."""

from datetime import timedelta

from playwright.sync_api import expect

from networking.meetings import services
from networking.models import DirectoryProfile, MeetingSlot, MeetingTable
from tests.clock import at
from tests.e2e.browser import new_context
from tests.factories import attendee


def test_the_reminder_follows_the_clock_across_time_zones_and_days(browser, server, event, programme):
    anna, anna_token = attendee(event, "Anna Bakker")
    bram = attendee(event, "Bram de Wit")[0]
    ria = attendee(event, "Ria Vermeer")[0]
    DirectoryProfile.objects.filter(registration=ria).update(adviser=True)
    lunch = MeetingSlot.objects.create(event=event, starts_at=at(12, 15), ends_at=at(12, 30))
    MeetingTable.objects.create(event=event, number=7)
    meeting = services.request_meeting(requester=bram, invitee_id=anna.pk, slot_id=lunch.pk)
    services.accept_meeting(registration=anna, meeting_id=meeting.pk)
    start = lunch.starts_at
    for zone in ("Europe/Amsterdam", "America/New_York", "Asia/Tokyo"):
        context = new_context(browser, server, timezone_id=zone)
        try:
            page = context.new_page()
            page.clock.install(time=start - timedelta(minutes=10, seconds=30))
            page.goto(f"/r/{anna_token}/gesprekken/")
            banner = page.locator("#meeting-reminder")
            expect(banner).to_be_hidden()
            page.clock.run_for(40_000)  # two ticks of the page's timer: now 9:50 before
            expect(banner).to_be_visible()
            expect(banner).to_have_text(
                "Over een paar minuten: uw gesprek met Bram de Wit aan Tafel 7, om 12:15."
            )
            page.clock.run_for(10 * 60_000)  # the meeting has begun
            expect(banner).to_be_hidden()
            # The day before at the same hour: nothing.
            page.clock.set_fixed_time(start - timedelta(days=1, minutes=5))
            page.reload()
            expect(banner).to_be_hidden()
        finally:
            context.close()
