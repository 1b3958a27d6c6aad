"""The table of door decisions (decision_cases.json) and the state each row describes, built with
the real services: tests/checkin/test_decision_table.py scans it on the server,
tests/e2e/test_scanner_decision_table.py gives the same rows to the scanner's offline decision."""

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from checkin.services import redeem
from events import badges, services
from events.models import Booking, Event, Municipality, Registration, Room, Round, Workshop

CASES = json.loads((Path(__file__).with_name("decision_cases.json")).read_text(encoding="utf-8"))["cases"]
CASE_IDS = [case["case"] for case in CASES]


@dataclass
class Built:
    """One row's state: the badge to scan, where (None: the entrance), and whose it is."""

    secret: str
    door: Workshop | None
    registration: Registration | None


def _register(event: Event, name: str, workshops: list[Workshop]) -> Registration:
    registration, _token = services.register(
        event=event,
        first_name="Deelnemer",
        last_name=name,
        email=f"{name}@beslissing.example",
        role="raadslid",
        municipality=Municipality.objects.first(),
        workshops=workshops,
        send_confirmation=False,
    )
    return registration


def build(case: dict, event: Event, n: int) -> Built:
    """Row `n`'s state in its own round (two workshops: the door's and another), so that many rows
    can share one event."""
    starts = timezone.now() + timedelta(hours=n + 1)
    round_ = Round.objects.create(
        event=event, label=f"Ronde {n}", starts_at=starts, ends_at=starts + timedelta(hours=1)
    )

    def workshop(slug: str, capacity: int, allow_walk_ins: bool, room_places: int = 40) -> Workshop:
        room = Room.objects.create(event=event, name=f"Zaal {slug} {n}", capacity=room_places)
        return Workshop.objects.create(
            round=round_,
            room=room,
            slug=slug,
            title=f"{slug} {n}",
            capacity=capacity,
            allow_walk_ins=allow_walk_ins,
        )

    # A full workshop has one seat, taken by the person or by someone else.
    here = workshop(
        "hier",
        capacity=10 if case["seats_left"] else 1,
        allow_walk_ins=case["walk_ins"],
        room_places=1 if case.get("room_full") else 40,
    )
    elsewhere = workshop("elders", capacity=10, allow_walk_ins=False)
    booking = case["booking"]
    if not case["seats_left"] and booking != "booked":
        _register(event, f"bezetter-{n}", [here])
    if case.get("room_full"):
        # Someone with a seat fills the room's one place.
        inside = _register(event, f"binnen-{n}", [here])
        assert redeem(event=event, secret=inside.badge_secret, workshop=here).status == "ok"
    if case["registration"] == "unknown":
        return Built(badges.new_secret(), here if case["place"] == "workshop" else None, None)

    chosen = {"none": [], "booked": [here], "waitlisted": [here], "booked_elsewhere": [elsewhere]}[booking]
    registration = _register(event, f"persoon-{n}", chosen)
    statuses = list(registration.bookings.values_list("status", flat=True))
    expected = {"none": [], "waitlisted": [Booking.Status.WAITLISTED]}.get(booking, [Booking.Status.BOOKED])
    assert statuses == expected, f"{case['case']}: bookings {statuses}"
    for place in case["checked_in"]:
        at_door = place == "workshop"
        scan = redeem(
            event=event,
            secret=registration.badge_secret,
            workshop=here if at_door else None,
            admit=at_door and case.get("admit", False),
        )
        assert scan.status == "ok", f"{case['case']}: checking in at {place} gave {scan.status}"
    if case["registration"] == "cancelled":
        services.cancel_registration(registration)
    return Built(registration.badge_secret, here if case["place"] == "workshop" else None, registration)
