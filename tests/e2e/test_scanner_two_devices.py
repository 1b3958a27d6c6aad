"""One badge at two doors while one door is offline: counted once, the late upload is flagged as
a duplicate on that phone, and the check-in keeps the earliest scan time."""

import re

from playwright.sync_api import expect

from checkin.models import CheckIn, Scan
from tests.e2e.scanner_support import new_phone, on_the_day, pair_phone, type_code
from tests.factories import badge_holder


def test_a_badge_scanned_at_two_doors_counts_once(chromium, live_server_url, event, municipalities):
    on_the_day(event)
    person = badge_holder(event, municipalities, 1, first_name="Dubbel", last_name="Gescand")
    north_phone = new_phone(chromium, live_server_url)
    south_phone = new_phone(chromium, live_server_url)
    north, north_page = pair_phone(north_phone, event, "Ingang noord")
    south, south_page = pair_phone(south_phone, event, "Ingang zuid")
    expect(north_page.locator("#list-state")).to_contain_text("1 persoon,")

    # North has lost the network and scans first; south is online and scans a little later.
    north_phone.set_offline(True)
    expect(north_page.locator("#net")).to_have_text("Offline")
    type_code(north_page, f"DLD1:{person.badge_secret}")
    expect(north_page.locator("#answer")).to_have_attribute("data-tone", "ok")
    expect(north_page.locator("#queue-count")).to_have_text("1")
    north_page.wait_for_timeout(1100)  # scan times a second apart
    type_code(south_page, f"DLD1:{person.badge_secret}")
    expect(south_page.locator("#answer")).to_have_attribute("data-tone", "ok")
    expect(south_page.locator("#answer")).to_contain_text("Dubbel Gescand")
    assert CheckIn.objects.get(registration=person).device == south

    north_phone.set_offline(False)

    expect(north_page.locator("#queue-count")).to_have_text("0")
    duplicates = north_page.locator("#duplicates-box")
    expect(duplicates).to_be_visible()
    expect(duplicates).to_contain_text("Dubbel gescand")
    expect(duplicates.locator("li")).to_have_text([re.compile(r"^Dubbel Gescand · ")])
    # Both scans are on record; the person is counted once, from the moment north scanned them.
    scans = {scan.device_id: scan for scan in Scan.objects.filter(registration=person)}
    assert (scans[south.pk].status, scans[north.pk].status) == ("ok", "already_checked_in")
    checkin = CheckIn.objects.get(registration=person)
    assert (checkin.device, checkin.checked_in_at) == (north, scans[north.pk].scanned_at)
    assert scans[north.pk].scanned_at < scans[south.pk].scanned_at
    north_phone.close()
    south_phone.close()
