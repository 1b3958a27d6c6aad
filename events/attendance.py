"""Who was there: the door scans of the day, as the core may see them.

The scans belong to checkin, which builds on the core, so the core cannot read them. Feedback (only
for those who were in the room) and certificates of attendance (the sessions someone was scanned
into) ask here instead: each app that scans badges registers an `AttendanceSource` in its
`attendance.py` (an events.registry module, found like `admin.py`), and the answers of all sources
are merged.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from events.models import Registration
from events.registry import Registry


@dataclass(frozen=True)
class AttendanceSource:
    # When the registration was checked in at the entrance, or None.
    entrance: Callable[[Registration], datetime | None]
    # {workshop id: when} for every workshop door the registration was scanned in at.
    workshops: Callable[[Registration], dict[int, datetime]]
    # (registration id, workshop id) of everyone scanned in at the door of these workshops.
    attendees: Callable[[Iterable[int]], set[tuple[int, int]]]
    # {registration id: when} checked in at the entrance, of these registrations (one query).
    entrances: Callable[[Iterable[int]], dict[int, datetime]] = field(default=lambda registration_ids: {})
    # {municipality code: registrations} checked in at the entrance of an edition (for the map).
    present_by_municipality: Callable[[int], dict[str, set[int]]] = field(default=lambda event_id: {})


SOURCES: Registry[AttendanceSource] = Registry("attendance")


def entrance_of(registration: Registration) -> datetime | None:
    moments = [moment for source in SOURCES if (moment := source.entrance(registration)) is not None]
    return min(moments, default=None)


def entrances(registration_ids: Iterable[int]) -> dict[int, datetime]:
    """{registration id: when} for those of these registrations checked in at the entrance."""
    ids = list(registration_ids)
    found: dict[int, datetime] = {}
    for source in SOURCES:
        for registration_id, moment in source.entrances(ids).items():
            found[registration_id] = min(moment, found.get(registration_id, moment))
    return found


def workshops_of(registration: Registration) -> dict[int, datetime]:
    found: dict[int, datetime] = {}
    for source in SOURCES:
        for workshop_id, moment in source.workshops(registration).items():
            found[workshop_id] = min(moment, found.get(workshop_id, moment))
    return found


def attendees_of(workshop_ids: Iterable[int]) -> set[tuple[int, int]]:
    ids = list(workshop_ids)
    found: set[tuple[int, int]] = set()
    for source in SOURCES:
        found |= source.attendees(ids)
    return found


def present_by_municipality(event_id: int) -> dict[str, int]:
    """How many people from each municipality are checked in at the edition's entrance."""
    found: dict[str, set[int]] = {}
    for source in SOURCES:
        for code, registration_ids in source.present_by_municipality(event_id).items():
            found.setdefault(code, set()).update(registration_ids)
    return {code: len(registration_ids) for code, registration_ids in found.items()}
