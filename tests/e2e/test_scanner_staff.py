"""An organiser scans with their session (no device) at a workshop door: finds a walk-in by name,
checks them in (the scan books the free seat), undoes it; and a revoked phone stops."""

from playwright.sync_api import expect

from checkin.models import CheckIn, Scan
from checkin.services import revoke_device
from events.models import Booking
from tests.e2e.browser import log_in
from tests.e2e.scanner_support import new_phone, pair_phone, type_code
from tests.factories import badge_holder


def test_an_organiser_checks_a_walk_in_in_by_name(
    chromium, live_server_url, event, municipalities, programme, staff_user
):
    room = programme["small"]
    room.allow_walk_ins = True
    room.save()
    walk_in = badge_holder(event, municipalities, 1, first_name="Ineke", last_name="Inloop")
    badge_holder(event, municipalities, 2, first_name="Bert", last_name="Bezet")
    context = new_phone(chromium, live_server_url)
    log_in(context, live_server_url, staff_user)
    page = context.new_page()
    page.goto("/scan/")
    expect(page.locator("#who")).to_have_text("organisator")

    # A workshop door (no room chosen): the session to check, chosen instead of the clock.
    page.get_by_label("Andere sessie controleren").select_option(str(room.pk))
    expect(page.locator("#door-label")).to_have_text("Klein Gezelschap (Zaal B)")
    page.get_by_label("Naam of referentie").fill("inlo")
    results = page.locator("#search-results li")
    expect(results).to_have_count(1)
    expect(results).to_contain_text(walk_in.reference)
    results.get_by_role("button", name="Inchecken: Ineke Inloop").click()

    answer = page.locator("#answer")
    expect(answer).to_have_attribute("data-tone", "ok")
    expect(answer).to_contain_text("Ineke Inloop")
    booking = Booking.objects.get(registration=walk_in)
    assert (booking.workshop, booking.status) == (room, "booked")
    checkin = CheckIn.objects.get(registration=walk_in)
    assert (checkin.workshop, checkin.user, checkin.device) == (room, staff_user, None)

    answer.click()  # a tap clears the answer
    expect(answer).to_have_attribute("data-tone", "none")
    page.get_by_role("button", name="Laatste scan ongedaan maken").click()
    expect(answer).to_contain_text("Check-in ongedaan gemaakt")
    assert not CheckIn.objects.exists()
    # The organiser's door stays on this phone, not on the server.
    page.reload()
    expect(page.locator("#door-label")).to_have_text("Klein Gezelschap (Zaal B)")
    context.close()


def test_a_revoked_phone_says_so_and_stops(chromium, live_server_url, event, municipalities):
    person = badge_holder(event, municipalities, 1)
    phone = new_phone(chromium, live_server_url)
    device, page = pair_phone(phone, event, "Zaal A")
    # Wait for the list, so that the scan (not a background refresh) is what meets the revocation.
    expect(page.locator("#list-state")).to_contain_text("1 persoon,")

    revoke_device(device)
    type_code(page, f"DLD1:{person.badge_secret}")

    answer = page.locator("#answer")
    expect(answer).to_contain_text("Apparaat ingetrokken")
    expect(answer).to_have_attribute("data-tone", "bad")
    expect(page.locator("#queue-count")).to_have_text("0")
    assert Scan.objects.count() == 0
    page.reload()
    expect(page.get_by_role("heading", name="Deze telefoon is nog geen scanner")).to_be_visible()
    phone.close()
