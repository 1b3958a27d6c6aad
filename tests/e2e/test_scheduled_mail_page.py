"""The organisers' page of scheduled mails on a phone (390 × 844) and a laptop, by keyboard: the
reminder preset, the planned row with its moment on Amsterdam's clock, cancelling; no sideways
scroll, no blocking axe findings."""

import pytest
from playwright.sync_api import expect

from events.messaging.models import ScheduledMail
from tests.e2e.browser import blocking_violations, log_in, new_context


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 900}])
def test_plan_and_cancel_the_reminder_by_keyboard(event, programme, server, browser, staff_user, viewport):
    context = new_context(browser, server, viewport=viewport)
    try:
        log_in(context, server, staff_user)
        page = context.new_page()
        page.goto("/dashboard/berichten/gepland/")
        expect(page.get_by_text("Nog geen mails gepland.")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth") is True
        assert blocking_violations(page) == []

        page.get_by_role("button", name="Herinnering plannen: 2 dagen voor de dag, 09:00").focus()
        page.keyboard.press("Enter")

        expect(page.get_by_role("status")).to_have_text("De mail is gepland.")
        reminder = ScheduledMail.objects.get()
        row = page.locator(f'tr[data-scheduled="{reminder.pk}"]')
        expect(row).to_contain_text("09:00")
        expect(row.locator('td[data-state="planned"]')).to_have_text("gepland")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth") is True
        assert blocking_violations(page) == []

        row.get_by_role("button", name="Annuleren").focus()
        page.keyboard.press("Enter")

        expect(page.get_by_role("status")).to_have_text("De mail is geannuleerd en wordt niet verstuurd.")
        expect(page.locator(f'tr[data-scheduled="{reminder.pk}"] td[data-state="cancelled"]')).to_have_text(
            "geannuleerd"
        )
        assert ScheduledMail.objects.get().state == "cancelled"
    finally:
        context.close()
