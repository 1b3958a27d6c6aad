"""The history page in Chromium, on a phone and on a laptop: it never scrolls sideways, long values
wrap, and the filters narrow the list."""

import pytest
from playwright.sync_api import expect

from checkin.services import create_device, revoke_device, set_door
from events import audit, services
from events.models import Registration
from tests.e2e.browser import blocking_violations, log_in, new_context, overflowing
from tests.factories import attendee, create_offers

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}


@pytest.fixture
def changes(event, programme, municipalities, staff_user):
    """A day's worth of entries of every kind, some with long values."""
    create_offers(event)
    for n in range(3):
        attendee(event, f"Anna de Vries{n}", municipality=municipalities["GM0307"])
    registration = Registration.objects.first()
    with audit.acting(door="admin", user=staff_user):
        services.update_workshop(programme["raad"], room=programme["rooms"]["hall"], capacity=120)
        services.cancel_workshop(programme["small"])
        services.change_workshops(registration, [programme["digital"]])
        audit.log(
            registration,
            "registration.changed",
            changes={
                "needs": ["", "Een rolstoelplek vooraan in elke zaal, en " * 6],
                "organisation": ["", "x" * 120],
            },
        )
    device, _token = create_device(
        event=event, name="Deur van de Grote Zaal aan de achterkant van het gebouw"
    )
    with audit.acting(door="scanner", device=device):
        set_door(device, programme["digital"])
    with audit.acting(door="dashboard", user=staff_user):
        revoke_device(device)


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_the_history_fits_the_screen_and_filters(browser, server, changes, staff_user, size, tmp_path):
    """Screenshots of both sizes are left in the test's tmp_path, to look at."""
    context = new_context(browser, server, viewport=SIZES[size])
    log_in(context, server, staff_user)
    try:
        page = context.new_page()
        page.goto("/dashboard/geschiedenis/")
        expect(page.locator(".history-entry")).to_have_count(10)
        page.screenshot(path=str(tmp_path / f"history-{size}.png"), full_page=True)
        assert overflowing(page, SIZES[size]["width"]) == []
        assert page.evaluate("document.scrollingElement.scrollWidth") <= SIZES[size]["width"] + 1
        assert blocking_violations(page) == []

        page.get_by_label("Via").select_option(label="scanner")
        page.get_by_role("button", name="Filteren").click()
        expect(page.locator(".history-entry")).to_have_count(1)
        expect(page.locator(".history-entry")).to_contain_text("Deur gewijzigd")
        assert "door=scanner" in page.url
    finally:
        context.close()
