"""The server's side of the door's decision table (decision_cases.json): each row's state, built with
the real services, scanned with checkin.services.redeem, gives the row's status. The scanner's
offline decision runs the same rows in tests/e2e/test_scanner_decision_table.py."""

import pytest

from checkin.services import redeem
from events.models import Booking
from tests.checkin.decision_table import CASE_IDS, CASES, build


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_server_answers_as_the_table_says(case, event):
    built = build(case, event, 1)

    scan = redeem(event=event, secret=built.secret, workshop=built.door, admit=case.get("admit", False))

    assert scan.status == case["status"]
    if built.door is not None and built.registration is not None:
        # A walk-in at a door that takes them gets the free seat; one let in anyway gets none;
        # nobody else's bookings change with a scan.
        had_seat = case["registration"] == "confirmed" and case["booking"] == "booked"
        seated = Booking.objects.filter(
            registration=built.registration, workshop=built.door, status=Booking.Status.BOOKED
        ).exists()
        let_in_anyway = case.get("admit", False) and case.get("walk_in", False)
        took_seat = case.get("walk_in", False) and not let_in_anyway
        assert seated == (had_seat or took_seat)
        # The scan says walk-in for someone let in (or turned away) without a seat of their own.
        assert scan.walk_in == (let_in_anyway or case["status"] == "room_full")


def test_the_table_covers_every_status_at_both_places():
    answers = {(case["place"], case["status"]) for case in CASES}

    assert answers >= {
        ("entrance", "ok"),
        ("entrance", "already_checked_in"),
        ("entrance", "unknown"),
        ("entrance", "cancelled"),
        ("workshop", "ok"),
        ("workshop", "already_checked_in"),
        ("workshop", "unknown"),
        ("workshop", "cancelled"),
        ("workshop", "not_booked"),
        ("workshop", "room_full"),
    }
    assert all(case["status"] == "ok" for case in CASES if case.get("walk_in"))
    assert all("offline_why" in case for case in CASES if "offline_status" in case)
    assert all(case["place"] == "workshop" for case in CASES if case.get("admit"))
