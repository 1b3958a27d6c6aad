"""The network drops at the door: scans are judged against the offline list, queued, and sent
when the network is back; the server then holds each check-in once, at the time it was scanned."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from checkin.models import CheckIn, Scan
from tests.clock import clock_lost, dutch_date
from tests.e2e.scanner_support import new_phone, on_the_day, pair_phone, type_code
from tests.factories import badge_holder


def test_three_scans_queue_offline_and_upload_when_back(chromium, live_server_url, event, municipalities):
    on_the_day(event)
    people = [badge_holder(event, municipalities, n) for n in range(3)]
    cancelled = badge_holder(event, municipalities, 9, first_name="Niet", last_name="Meer")
    cancelled.status = "cancelled"
    cancelled.save()
    phone = new_phone(chromium, live_server_url)
    device, page = pair_phone(phone, event, "Ingang zuid")
    expect(page.locator("#list-state")).to_contain_text("4 personen,")

    phone.set_offline(True)
    expect(page.locator("#net")).to_have_text("Offline")
    answer = page.locator("#answer")
    for n, person in enumerate(people, start=1):
        type_code(page, f"DLD1:{person.badge_secret}")
        expect(answer).to_have_attribute("data-tone", "ok")
        expect(answer).to_contain_text(person.full_name)
        expect(answer).to_contain_text("Offline")
        expect(page.locator("#queue-count")).to_have_text(str(n))
    # The list knows more than who is welcome: the same badge again, and a cancelled one.
    type_code(page, f"DLD1:{people[0].badge_secret}")
    expect(answer).to_have_attribute("data-tone", "warn")
    expect(answer).to_contain_text("Al ingecheckt")
    type_code(page, cancelled.reference)
    expect(answer).to_have_attribute("data-tone", "bad")
    expect(answer).to_contain_text("Aanmelding geannuleerd")
    expect(page.locator("#queue-count")).to_have_text("5")
    assert Scan.objects.count() == 0

    phone.set_offline(False)

    expect(page.locator("#queue-count")).to_have_text("0")
    expect(page.locator("#net")).to_have_text("Online")
    assert CheckIn.objects.count() == 3
    assert set(CheckIn.objects.values_list("registration_id", flat=True)) == {p.pk for p in people}
    assert set(CheckIn.objects.values_list("device_id", flat=True)) == {device.pk}
    assert sorted(Scan.objects.values_list("status", flat=True)) == [
        "already_checked_in",
        "cancelled",
        "ok",
        "ok",
        "ok",
    ]
    # Recorded with the time they were scanned, not the time they arrived at the server.
    for scan in Scan.objects.all():
        assert scan.scanned_at < scan.created_at
    phone.close()


def test_the_scanner_reloads_without_the_network(chromium, live_server_url, event, municipalities):
    on_the_day(event)
    person = badge_holder(event, municipalities, 1)
    phone = new_phone(chromium, live_server_url)
    _device, page = pair_phone(phone, event, "Ingang west")
    expect(page.locator("#list-state")).to_contain_text("1 persoon,")
    # Not wait_for_function: its polling evaluates a string, which the page's CSP forbids.
    assert page.evaluate(
        """() => navigator.serviceWorker.controller !== null || new Promise((resolve) =>
            navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true), { once: true }))"""
    )

    phone.set_offline(True)
    reloaded = page.reload()

    assert reloaded.from_service_worker
    expect(page.locator("#net")).to_have_text("Offline")
    expect(page.locator("#who")).to_have_text("Ingang west")
    type_code(page, f"DLD1:{person.badge_secret}")
    expect(page.locator("#answer")).to_have_attribute("data-tone", "ok")
    expect(page.locator("#queue-count")).to_have_text("1")

    phone.set_offline(False)

    expect(page.locator("#queue-count")).to_have_text("0")
    assert CheckIn.objects.get().registration == person
    phone.close()


def test_a_queued_scan_dated_off_the_day_is_dropped_with_a_note(
    chromium, live_server_url, event, municipalities
):
    """A phone whose clock jumped decades back while offline: the server refuses that scan (422), the
    phone drops it from the queue and says so, and the scans behind it still go through."""
    on_the_day(event)
    wrong, right = (
        badge_holder(event, municipalities, 1, first_name="Klok", last_name="Verkeerd"),
        badge_holder(event, municipalities, 2),
    )
    phone = new_phone(chromium, live_server_url)
    _device, page = pair_phone(phone, event, "Ingang oost")
    expect(page.locator("#list-state")).to_contain_text("2 personen,")

    phone.set_offline(True)
    expect(page.locator("#net")).to_have_text("Offline")
    lost = clock_lost(9)
    phone.clock.set_system_time(lost)
    type_code(page, f"DLD1:{wrong.badge_secret}")
    expect(page.locator("#queue-count")).to_have_text("1")
    phone.clock.set_system_time(timezone.now())
    type_code(page, f"DLD1:{right.badge_secret}")
    expect(page.locator("#queue-count")).to_have_text("2")

    phone.set_offline(False)

    expect(page.locator("#queue-count")).to_have_text("0")
    refused = page.locator("#refused-box")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("Niet meegeteld")
    expect(refused.locator("li")).to_have_text(
        [
            re.compile(
                rf"^Klok Verkeerd · \d\d:\d\d · Deze scan is gedateerd op \w+ {dutch_date(lost.date())}, 09:00, buiten"
            )
        ]
    )
    assert [checkin.registration for checkin in CheckIn.objects.all()] == [right]
    page.reload()  # the note is kept on the phone, the queue stays empty
    expect(page.locator("#refused-box li")).to_have_count(1)
    expect(page.locator("#queue-count")).to_have_text("0")
    phone.close()


def test_a_current_list_is_answered_304_and_kept_a_changed_one_is_fetched(
    chromium, live_server_url, event, municipalities
):
    """The phones ask for the list every minute; while nobody changed, the server answers 304 with
    no body (the hall's Wi-Fi carries 700 people less) and the phone keeps its list."""
    on_the_day(event)
    first = badge_holder(event, municipalities, 1)
    phone = new_phone(chromium, live_server_url)
    _device, page = pair_phone(phone, event, "Ingang noord")
    expect(page.locator("#list-state")).to_contain_text("1 persoon,")

    def the_list(response) -> bool:
        return "/api/v1/checkin/list" in response.url

    with page.expect_response(the_list) as asked:
        page.reload()  # boots again: asks with the tag of the list it keeps
    kept = asked.value
    assert (kept.status, kept.request.header_value("if-none-match")) == (304, kept.header_value("etag"))
    expect(page.locator("#list-state")).to_contain_text("1 persoon,")

    second = badge_holder(event, municipalities, 2)
    phone.set_offline(True)
    with page.expect_response(the_list) as asked:
        phone.set_offline(False)  # back online: asks again, and the list has changed
    assert asked.value.status == 200
    assert asked.value.header_value("etag") != kept.header_value("etag")
    expect(page.locator("#list-state")).to_contain_text("2 personen,")

    # Offline the phone knows both: the one of the list it kept, and the new one.
    phone.set_offline(True)
    for person in (first, second):
        type_code(page, f"DLD1:{person.badge_secret}")
        expect(page.locator("#answer")).to_have_attribute("data-tone", "ok")
        expect(page.locator("#answer")).to_contain_text(person.full_name)
    phone.close()
