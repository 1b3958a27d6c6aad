"""Twenty scanners redeem the same badge at once: exactly one `ok` (PostgreSQL row locks)."""

import pytest

from checkin.models import CheckIn, Scan
from checkin.services import create_device, redeem
from tests.concurrency import race
from tests.support import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def badge(make_attendee, programme):
    return make_attendee(1, programme["raad"])


def test_twenty_scanners_one_badge_one_ok(event, badge):
    devices = [create_device(event=event, name=f"Deur {i}")[0] for i in range(20)]

    results = race(lambda i: redeem(event=event, secret=badge.badge_secret, device=devices[i]).status, 20)

    assert sorted(results) == ["already_checked_in"] * 19 + ["ok"]
    assert CheckIn.objects.filter(registration=badge).count() == 1
    assert Scan.objects.count() == 20


def test_the_check_in_records_the_scanner_that_got_ok(event, badge):
    # Live scans are dated when they reach the server; one that waited for the lock is not "earlier".
    devices = [create_device(event=event, name=f"Deur {i}")[0] for i in range(20)]

    scans = race(lambda i: redeem(event=event, secret=badge.badge_secret, device=devices[i]), 20)

    winner = next(scan for scan in scans if scan.status == "ok")
    checkin = CheckIn.objects.get(registration=badge)
    assert (checkin.device_id, checkin.checked_in_at) == (winner.device_id, winner.scanned_at)
    assert {scan.first_checked_in_at for scan in scans if scan.status != "ok"} == {winner.scanned_at}


def test_one_nonce_uploaded_twenty_times_is_one_scan(event, badge):
    device, _token = create_device(event=event, name="Offline deur")

    results = race(
        lambda i: redeem(event=event, secret=badge.badge_secret, device=device, nonce="wachtrij-42").pk, 20
    )

    assert len(set(results)) == 1
    assert Scan.objects.count() == 1
    assert CheckIn.objects.count() == 1


def test_workshop_door_race(event, badge, programme):
    devices = [create_device(event=event, name=f"Zaal {i}")[0] for i in range(20)]

    results = race(
        lambda i: (
            redeem(
                event=event, secret=badge.badge_secret, device=devices[i], workshop=programme["raad"]
            ).status
        ),
        20,
    )

    assert sorted(results) == ["already_checked_in"] * 19 + ["ok"]
