"""The dashboard's scheduled-mail counts in Chromium: an organiser plans the reminder and cancels it
on the scheduled-mails page in one tab; the dashboard open in another tab shows the planned count
and the next moment (on Amsterdam's clock) change without a reload."""

from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from events.messaging.models import ScheduledMail
from events.times import clock
from tests.clock import AMSTERDAM
from tests.e2e.browser import log_in, new_context


def test_planning_and_cancelling_move_the_counts_of_an_open_dashboard(
    event, programme, server, browser, staff_user
):
    context = new_context(browser, server, viewport={"width": 1366, "height": 900})
    try:
        log_in(context, server, staff_user)
        dashboard = context.new_page()
        errors = []
        dashboard.on("pageerror", lambda error: errors.append(str(error)))
        dashboard.goto("/dashboard/")
        expect(dashboard.locator("#live-status")).to_have_attribute("data-state", "online")
        counts = dashboard.locator("#scheduled-mails")
        # The meetings section follows the same socket the same way (events/live-socket.js followSection).
        expect(dashboard.locator('[data-meetings-socket] [data-field="accepted"]')).to_have_text("0")
        expect(counts.locator('[data-scheduled-field="planned"]')).to_have_text("0")
        expect(counts.locator("[data-scheduled-next]")).to_be_hidden()
        dashboard.evaluate("window.notReloaded = true")

        planner = context.new_page()
        planner.goto("/dashboard/berichten/gepland/")
        planner.get_by_role("button", name="Herinnering plannen: 2 dagen voor de dag, 09:00").click()
        expect(planner.get_by_role("status")).to_have_text("De mail is gepland.")

        reminder = ScheduledMail.objects.select_related("event").get()
        expect(counts.locator('[data-scheduled-field="planned"]')).to_have_text("1")
        expect(counts.locator("[data-scheduled-next]")).to_be_visible()
        moment = reminder.moment
        with translation.override("nl"):
            day = date_format(moment.astimezone(AMSTERDAM), "j F")
        expect(counts.locator('[data-scheduled-field="next_at"]')).to_have_text(f"{day} {clock(moment)}")
        assert clock(moment) == "09:00"

        planner.locator(f'tr[data-scheduled="{reminder.pk}"]').get_by_role("button", name="Annuleren").click()
        expect(planner.get_by_role("status")).to_have_text("De mail is geannuleerd en wordt niet verstuurd.")

        expect(counts.locator('[data-scheduled-field="planned"]')).to_have_text("0")
        expect(counts.locator("[data-scheduled-next]")).to_be_hidden()
        assert dashboard.evaluate("window.notReloaded") is True
        assert errors == []
    finally:
        context.close()
