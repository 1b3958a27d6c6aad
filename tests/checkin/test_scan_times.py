"""A queued offline scan carries the time it was made; only times on the event's day (with a margin
of SCAN_DAY_MARGIN either side) are taken. Others would move a check-in to the wrong day: 422, and
nothing stored or moved."""

from datetime import datetime, timedelta

import pytest

from checkin.errors import CheckinError
from checkin.models import CheckIn, Scan
from checkin.services import redeem
from checkin.services.redeem import SCAN_DAY_MARGIN
from tests.clock import at, clock_lost
from tests.support import post_json

pytestmark = pytest.mark.django_db
REDEEM = "/api/v1/checkin/redeem"


@pytest.fixture(autouse=True)
def _during_the_day(time_machine):
    time_machine.move_to(at(15), tick=True)


@pytest.fixture
def attendee(make_attendee, programme):
    return make_attendee(1, programme["raad"], first_name="Jan", last_name="Jansen")


def upload(api, headers, attendee, scanned_at: datetime, nonce: str = "offline-000001"):
    body = {"secret": attendee.badge_secret, "nonce": nonce, "scanned_at": scanned_at.isoformat()}
    return post_json(api, REDEEM, body, **headers)


@pytest.mark.parametrize(
    "scanned_at",
    [
        clock_lost(),  # a phone that lost its clock (the finding)
        at(0, days=-1),
        at(0) - SCAN_DAY_MARGIN - timedelta(minutes=1),
    ],
)
def test_a_scan_dated_far_from_the_day_is_refused_and_stores_nothing(
    api, scanner_headers, attendee, scanned_at
):
    response = upload(api, scanner_headers, attendee, scanned_at)

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], list(body["errors"])) == ("scan_time_outside_event", ["scanned_at"])
    assert "buiten de dag van het evenement" in body["detail"]
    assert (Scan.objects.count(), CheckIn.objects.count()) == (0, 0)


def test_a_refused_scan_leaves_an_earlier_check_in_where_it_was(api, scanner_headers, attendee):
    assert upload(api, scanner_headers, attendee, at(9, 30)).status_code == 200

    response = upload(api, scanner_headers, attendee, clock_lost(), nonce="offline-000002")

    assert response.status_code == 422
    assert CheckIn.objects.get().checked_in_at == at(9, 30)
    assert Scan.objects.count() == 1


@pytest.mark.parametrize(
    "scanned_at",
    [at(0) - SCAN_DAY_MARGIN, at(7, 45), at(14, 59)],
)
def test_a_scan_on_the_day_or_within_the_margin_counts_at_its_time(
    api, scanner_headers, attendee, scanned_at
):
    response = upload(api, scanner_headers, attendee, scanned_at)

    assert (response.status_code, response.json()["status"]) == (200, "ok")
    assert CheckIn.objects.get().checked_in_at == scanned_at


def test_the_service_refuses_it_too(event, attendee, scanner):
    with pytest.raises(CheckinError) as refused:
        redeem(event=event, secret=attendee.badge_secret, device=scanner[0], scanned_at=at(12, days=-3))
    assert (refused.value.code, refused.value.field, refused.value.status) == (
        "scan_time_outside_event",
        "scanned_at",
        422,
    )


def test_a_scan_made_now_needs_no_time(event, attendee, scanner, time_machine):
    """Online scans are dated by the server: a rehearsal weeks before the day still works."""
    time_machine.move_to(at(12, days=-20), tick=True)
    assert redeem(event=event, secret=attendee.badge_secret, device=scanner[0]).status == "ok"
