"""The organisers' page of scheduled mails on a phone (390 × 844) and a laptop, by keyboard: the
reminder preset, the planned row with its moment on Amsterdam's clock, cancelling; no sideways
scroll on the page or inside the table's box (on a phone each row is a card), no blocking axe
findings."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.messaging.models import ScheduledMail
from tests.clock import at
from tests.e2e.browser import blocking_violations, log_in, new_context

NO_SIDEWAYS_SCROLL = """() => {
  const wrapper = document.querySelector(".table-scroll");
  // What is clipped to nothing (the header kept for screen readers, hidden labels) is not seen.
  const clipped = (e) => e.closest(".visually-hidden") || (e.closest("thead") && getComputedStyle(e.closest("thead")).position === "absolute");
  const wide = [...document.querySelectorAll("body *")].filter((e) => !clipped(e) && e.getBoundingClientRect().right > window.innerWidth + 1);
  return {
    page: document.documentElement.scrollWidth <= window.innerWidth,
    box: wrapper ? wrapper.scrollWidth <= wrapper.clientWidth : null,
    wider_than_the_viewport: wide.map((e) => e.tagName + (e.id ? "#" + e.id : "")),
  };
}"""


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 900}])
def test_plan_and_cancel_the_reminder_by_keyboard(
    event, programme, server, browser, staff_user, viewport, tmp_path
):
    # A mail sent already, with a long subject: the widest row the page has.
    ScheduledMail.objects.create(
        event=event,
        kind=ScheduledMail.Kind.MESSAGE,
        subject="Route, parkeren en de ingang aan de achterkant van het gemeentehuis tijdens de verbouwing",
        body="Welkom",
        send_at=at(10, days=-10),
        state=ScheduledMail.State.SENT,
        sent_at=timezone.now(),
    )
    context = new_context(browser, server, viewport=viewport)
    try:
        log_in(context, server, staff_user)
        page = context.new_page()
        page.goto("/dashboard/berichten/gepland/")
        assert page.evaluate(NO_SIDEWAYS_SCROLL) == {"page": True, "box": True, "wider_than_the_viewport": []}
        assert blocking_violations(page) == []

        page.get_by_role("button", name="Herinnering plannen: 2 dagen voor de dag, 09:00").focus()
        page.keyboard.press("Enter")

        expect(page.get_by_role("status")).to_have_text("De mail is gepland.")
        reminder = ScheduledMail.objects.get(kind=ScheduledMail.Kind.REMINDER)
        row = page.locator(f'tr[data-scheduled="{reminder.pk}"]')
        expect(row).to_contain_text("09:00")
        expect(row.locator('td[data-state="planned"]')).to_have_text("gepland")
        assert page.evaluate(NO_SIDEWAYS_SCROLL) == {"page": True, "box": True, "wider_than_the_viewport": []}
        # On a phone each row is a card, its cells named; on a laptop the table has its header.
        phone = viewport["width"] < 640
        expect(page.locator(".table-scroll thead")).to_have_css("position", "absolute" if phone else "static")
        assert page.locator(f'tr[data-scheduled="{reminder.pk}"] td').first.evaluate(
            "(td) => getComputedStyle(td, '::before').content"
        ) == ('"Moment: "' if phone else "none")
        page.screenshot(path=str(tmp_path / f"scheduled-{viewport['width']}.png"), full_page=True)
        assert blocking_violations(page) == []

        row.get_by_role("button", name="Annuleren").focus()
        page.keyboard.press("Enter")

        expect(page.get_by_role("status")).to_have_text("De mail is geannuleerd en wordt niet verstuurd.")
        expect(page.locator(f'tr[data-scheduled="{reminder.pk}"] td[data-state="cancelled"]')).to_have_text(
            "geannuleerd"
        )
        assert ScheduledMail.objects.get(pk=reminder.pk).state == "cancelled"
    finally:
        context.close()
