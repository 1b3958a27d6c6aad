"""Checkin's answer to the core's question "who was there" (see events.attendance): its check-ins,
at the entrance and at each workshop's door. Undone scans removed their check-in, so they count
for nothing here."""

from collections.abc import Iterable
from datetime import datetime

from checkin.models import CheckIn
from events.attendance import SOURCES, AttendanceSource
from events.models import Registration


def entrance(registration: Registration) -> datetime | None:
    return (
        CheckIn.objects.filter(registration=registration, workshop__isnull=True)
        .values_list("checked_in_at", flat=True)
        .first()
    )


def entrances(registration_ids: Iterable[int]) -> dict[int, datetime]:
    return dict(
        CheckIn.objects.filter(registration_id__in=list(registration_ids), workshop__isnull=True).values_list(
            "registration_id", "checked_in_at"
        )
    )


def workshops(registration: Registration) -> dict[int, datetime]:
    return dict(
        CheckIn.objects.filter(registration=registration, workshop__isnull=False).values_list(
            "workshop_id", "checked_in_at"
        )
    )


def attendees(workshop_ids: Iterable[int]) -> set[tuple[int, int]]:
    return set(
        CheckIn.objects.filter(workshop_id__in=list(workshop_ids)).values_list(
            "registration_id", "workshop_id"
        )
    )


def present_by_municipality(event_id: int) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    rows = CheckIn.objects.filter(
        workshop__isnull=True, registration__event_id=event_id, registration__municipality__isnull=False
    ).values_list("registration__municipality_id", "registration_id")
    for code, registration_id in rows:
        found.setdefault(code, set()).add(registration_id)
    return found


SOURCES.register(
    AttendanceSource(
        entrance=entrance,
        workshops=workshops,
        attendees=attendees,
        entrances=entrances,
        present_by_municipality=present_by_municipality,
    )
)
