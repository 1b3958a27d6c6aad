"""The organisers' page for a message to a group on a phone (390 × 844) and a laptop: the preview
with its number and sample, no sideways scroll, no blocking axe findings."""

import pytest
from playwright.sync_api import expect

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
        page.get_by_label("Bericht", exact=True).fill("We zitten in zaal 5.\n\nTot straks!")
        page.get_by_label("Heeft een plaats in").select_option(str(programme["small"].pk))
        page.get_by_role("button", name="Voorbeeld bekijken").click()

        expect(page.get_by_role("heading", name="Dit bericht gaat naar 2 personen")).to_be_visible()
        expect(page.locator(".mail-sample")).to_contain_text("We zitten in zaal 5.")
        expect(page.get_by_role("button", name="Versturen naar 2 personen")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth") is True
        assert blocking_violations(page) == []
    finally:
        context.close()
