"""Live seat counts in Chromium: an open programme follows other people's changes without a reload."""

import re

from playwright.sync_api import expect

from events import services
from tests.e2e.browser import new_context, open_live, publish_workshop
from tests.support import requires_redis


def test_changing_a_workshop_updates_both_seat_counts_live(
    event, programme, municipalities, server, anonymous_context, browser, staff_context
):
    small, raad, digital = programme["small"], programme["raad"], programme["digital"]
    # Committed before any page opens (`server` uses transactional_db): one of two seats taken.
    _registration, token = services.register(
        event=event,
        first_name="Bram",
        last_name="Jansen",
        email="bram.jansen@amersfoort.example",
        role="raadslid",
        municipality=municipalities["GM0307"],
        workshops=[small],
    )

    # A visitor keeps the programme open, its socket's snapshot in: later changes reach it.
    watcher = anonymous_context.new_page()
    open_live(watcher, "/", "/ws/programme/")
    seats = {
        name: watcher.locator(f'li.session[data-workshop="{workshop.pk}"] [data-seats]')
        for name, workshop in (("small", small), ("raad", raad), ("digital", digital))
    }
    expect(seats["small"]).to_have_text("nog 1 plek")
    expect(seats["raad"]).to_have_text("nog 40 plekken")

    # The attendee, in another browser, swaps the small workshop for the council one.
    other = new_context(browser, server)
    try:
        attendee = other.new_page()
        attendee.goto(f"/r/{token}/")
        attendee.get_by_text("Uw workshops wijzigen").click()  # the form is folded away
        first_round = attendee.locator(f'input[name="round-{programme["rounds"]["first"].pk}"]')
        expect(first_round.and_(attendee.locator(f'[value="{small.pk}"]'))).to_be_checked()
        attendee.locator(f'label.choice[data-workshop="{raad.pk}"]').click()
        expect(first_round.and_(attendee.locator(f'[value="{raad.pk}"]'))).to_be_checked()
        attendee.get_by_role("button", name="Mijn keuze opslaan").click()
        expect(attendee).to_have_url(re.compile(rf"/r/{token}/\?gewijzigd=1"))
        expect(attendee.get_by_text("Uw programma is gewijzigd")).to_be_visible()
    finally:
        other.close()

    # The open programme shows the seat given back and the seat taken.
    expect(seats["small"]).to_have_text("nog 2 plekken")
    expect(seats["raad"]).to_have_text("nog 39 plekken")

    # An organiser cancels the digital workshop through the API (session auth, so CSRF-checked).
    assert staff_context.request.get("/scan/").ok
    csrf = next(c["value"] for c in staff_context.cookies(server) if c["name"] == "csrftoken")
    response = staff_context.request.post(
        f"/api/v1/workshops/{digital.pk}/cancel",
        headers={"X-CSRFToken": csrf, "Referer": f"{server}/scan/"},
    )
    assert response.ok, response.text()
    assert response.json()["status"] == "cancelled"

    expect(seats["digital"]).to_have_text("Geannuleerd")
    expect(watcher.locator(f'li.session[data-workshop="{digital.pk}"]')).to_have_class(
        re.compile(r"\bcancelled\b")
    )
    expect(seats["small"]).to_have_text("nog 2 plekken")
    expect(seats["raad"]).to_have_text("nog 39 plekken")
    assert watcher.evaluate("window.__noReload") is True


@requires_redis
def test_an_older_workshop_event_arriving_late_leaves_the_newer_figures(
    event, programme, make_attendee, server, anonymous_context
):
    """Two server processes send their events each in their own time: the page keeps the figures
    of the highest revision it heard, not the last to arrive."""
    small, raad = programme["small"], programme["raad"]
    make_attendee(1, small)
    small.refresh_from_db()
    raad.refresh_from_db()
    assert small.revision == 1  # the registration raised it

    watcher = anonymous_context.new_page()
    open_live(watcher, "/", "/ws/programme/")
    seats = watcher.locator(f'li.session[data-workshop="{small.pk}"] [data-seats]')
    marker = watcher.locator(f'li.session[data-workshop="{raad.pk}"] [data-seats]')
    expect(seats).to_have_text("nog 1 plek")

    # From before the registration (both seats free), then a marker of the current revision that
    # says what it would after the older one: once it shows, the older one has been and gone.
    publish_workshop(small, revision=0, booked=0, free=2)
    publish_workshop(raad, free=38)
    expect(marker).to_have_text("nog 38 plekken")
    expect(seats).to_have_text("nog 1 plek")

    publish_workshop(small, revision=2, booked=0, free=2)
    expect(seats).to_have_text("nog 2 plekken")
    assert watcher.evaluate("window.__noReload") is True
