"""Staff pages on a phone (390 × 844: no sideways scroll) and the dashboard on a laptop (1366 × 900:
the occupancy column in view), with the browser's clock set to another zone than the event's: every
time on the page is Amsterdam's, and the arrivals chart has a readable axis with no or one arrival."""

from itertools import pairwise

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from checkin.models import CheckIn
from checkin.services import redeem
from events import audit, times
from events.models import Workshop
from tests.e2e.browser import TIMEOUT_MS, blocking_violations, overflowing
from tests.e2e.pages import STAFF_PAGES, visit

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
def staff_pages(browser, server, staff_user):
    """open(viewport, timezone_id) → a page in a new context logged in as the organiser."""
    client = Client()
    client.force_login(staff_user)
    contexts = []

    def open_page(viewport, timezone_id="Europe/Amsterdam"):
        context = browser.new_context(
            base_url=server, locale="nl-NL", timezone_id=timezone_id, viewport=viewport
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": server,
                }
            ]
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def live_dashboard(page) -> None:
    page.goto("/dashboard/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "online")
    page.wait_for_timeout(300)  # the snapshot that follows the connection


def axis_labels(page) -> list[str]:
    return page.locator("#arrivals-chart").get_attribute("data-axis").split()


def minutes(label: str) -> int:
    hours, mins = label.split(":")
    return int(hours) * 60 + int(mins)


@pytest.mark.parametrize(("name", "target"), STAFF_PAGES, ids=[name for name, _ in STAFF_PAGES])
def test_staff_page_does_not_scroll_sideways_on_a_phone(staff_pages, site, name, target):
    page = staff_pages(PHONE)
    visit(page, site, target)
    assert overflowing(page, PHONE["width"]) == []
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth") is True
    assert blocking_violations(page) == []  # a table that scrolls by itself can be scrolled with the keys


def test_the_occupancy_column_is_in_view_on_a_laptop_and_a_full_workshop_says_vol(
    staff_pages, site, make_attendee
):
    programme = site["programme"]
    small, raad = programme["small"], programme["raad"]
    Workshop.objects.filter(pk=raad.pk).update(capacity=10)
    for n in range(small.capacity):
        make_attendee(10 + n, small)
    for n in range(9):  # 90 %: almost full
        make_attendee(20 + n, raad)
    page = staff_pages(LAPTOP)
    live_dashboard(page)
    region = page.locator(".table-scroll:has(table.occupancy)")
    assert region.evaluate("(element) => element.scrollWidth <= element.clientWidth") is True
    for workshop, flag in [(small, "vol"), (raad, "bijna vol")]:
        cell = page.locator(f'#workshop-rows tr[data-workshop="{workshop.pk}"] td[data-field="occupancy"]')
        box, frame = cell.bounding_box(), region.bounding_box()
        assert box["x"] + box["width"] <= min(frame["x"] + frame["width"], LAPTOP["width"]) + 1
        expect(cell.locator(".flag")).to_have_text(flag)
    expect(page.locator(f'#workshop-rows tr[data-workshop="{programme["digital"].pk}"] .flag')).to_have_count(
        0
    )


def test_times_are_amsterdam_times_in_a_browser_set_to_new_york(staff_pages, site, event):
    registration = event.registrations.first()
    redeem(event=event, reference=registration.reference)
    scanned = CheckIn.objects.get(registration=registration).checked_in_at
    page = staff_pages(LAPTOP, timezone_id="America/New_York")
    live_dashboard(page)
    expect(page.locator("#recent-scans tr").first.locator("td").first).to_have_text(
        times.clock(scanned, seconds=True)
    )
    first_round = site["programme"]["raad"].round
    expect(page.locator(f'#round-rows tr[data-round="{first_round.pk}"] td').nth(1)).to_have_text(
        times.clock(first_round.starts_at)
    )
    block = times.local(scanned).replace(minute=times.local(scanned).minute // 5 * 5, second=0, microsecond=0)
    expect(page.locator("#arrivals-rows tr td").first).to_have_text(times.clock(block))
    assert times.clock(block) in axis_labels(page)


def readable_axis(labels: list[str]) -> None:
    """Distinct, ascending marks on whole 5 minutes, over at least an hour. An axis may run past
    midnight (23:45, 00:00): each step forward is measured on the clock's circle."""
    assert len(labels) >= 3, labels
    values = [minutes(label) for label in labels]
    steps = [(later - earlier) % (24 * 60) for earlier, later in pairwise(values)]
    assert all(0 < step <= 60 for step in steps), labels
    assert all(value % 5 == 0 for value in values), labels
    assert sum(steps) >= 45, labels  # the marks inside an hour's axis


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_arrivals_axis_is_readable_without_arrivals(staff_pages, site, viewport):
    page = staff_pages(viewport, timezone_id="UTC")
    live_dashboard(page)
    readable_axis(axis_labels(page))


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_arrivals_axis_is_readable_with_one_arrival(staff_pages, site, event, viewport):
    redeem(event=event, reference=event.registrations.first().reference)
    page = staff_pages(viewport, timezone_id="UTC")
    live_dashboard(page)
    readable_axis(axis_labels(page))


def test_an_admin_history_page_does_not_scroll_sideways_on_a_phone(staff_pages, site, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    registration = site["event"].registrations.first()
    with audit.acting(door="admin", user=staff_user):
        audit.log(
            registration,
            "registration.changed",
            changes={"needs": ["", "Een rolstoelplek vooraan in elke zaal, graag bij de deur " * 3]},
        )
    page = staff_pages(PHONE)
    page.goto(f"/admin/events/registration/{registration.pk}/history/")
    expect(page.locator("#audit-trail tbody tr")).not_to_have_count(0)
    assert overflowing(page, PHONE["width"]) == []
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth") is True
