"""The organisers' page for a message to a group on a phone (390 × 844) and a laptop: the preview
with its number and sample (HTML and plain text), sending, the page of the message sent with each
recipient's state; no sideways scroll, no blocking axe findings."""

import re
import time

import pytest
from playwright.sync_api import expect

from events.models import OutboundEmail
from tests import factories
from tests.e2e.browser import blocking_violations, log_in, new_context


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 900}])
def test_the_preview_shows_the_number_and_a_sample(
    event, programme, municipalities, server, browser, staff_user, viewport
):
    factories.register_attendee(event, 1, programme["small"])
    factories.register_attendee(event, 2, programme["small"])
    context = new_context(browser, server, viewport=viewport)
    try:
        log_in(context, server, staff_user)
        page = context.new_page()
        page.goto("/dashboard/berichten/")
        page.get_by_label("Onderwerp").fill("Zaal 5")
        page.get_by_label("Bericht", exact=True).fill(
            "We zitten in **zaal 5**.\n\n- koffie\n- thee\n\nTot straks!"
        )
        page.get_by_label(re.compile(r"^Heeft een plaats in \(")).select_option(str(programme["small"].pk))
        page.get_by_role("button", name="Voorbeeld bekijken").click()

        expect(page.get_by_role("heading", name="Dit bericht gaat naar 2 personen")).to_be_visible()
        expect(page.locator("pre.mail-sample")).to_contain_text("We zitten in zaal 5.")
        expect(page.locator(".mail-sample-html strong")).to_have_text("zaal 5")
        expect(page.locator(".mail-sample-html li")).to_have_text(["koffie", "thee"])
        expect(page.get_by_role("button", name="Versturen naar 2 personen")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth") is True
        assert blocking_violations(page) == []

        page.get_by_role("button", name="Versturen naar 2 personen").click()
        expect(page.get_by_role("status")).to_have_text("Verstuurd naar 2 personen.")
        # The second mail goes out one step later (GROUP_MAIL_RATE_PER_MINUTE), by the server's timer.
        deadline = time.monotonic() + 15
        while (
            OutboundEmail.objects.filter(kind="group_message", sent_at=None).exists()
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        page.reload()
        expect(page.locator('dd[data-state="sent"]')).to_have_text("2")
        expect(page.locator('td[data-state="sent"]')).to_have_count(2)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth") is True
        assert blocking_violations(page) == []
    finally:
        context.close()
