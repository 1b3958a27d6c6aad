"""Wire shapes of the check-in: API schemas and the live messages for dashboards."""

from datetime import datetime
from typing import Literal

from django.db.models import Count, Q
from django.utils import timezone
from ninja import Field, Schema

from checkin.models import CheckIn, Scan


class RedeemIn(Schema):
    secret: str = Field(
        min_length=1, max_length=200, description="What the QR holds (`DLD1:…`) or the bare secret."
    )
    workshop: int | None = Field(None, description="Workshop id; none means the entrance.")
    nonce: str | None = Field(
        None,
        min_length=8,
        max_length=64,
        description="Client-chosen id: a retry with the same nonce gets the first answer.",
    )
    scanned_at: datetime | None = Field(None, description="When a queued offline scan was made.")


class UndoIn(Schema):
    secret: str = Field(min_length=1, max_length=200)
    workshop: int | None = None


class AttendeeOut(Schema):
    name: str
    role: str
    role_label: str
    municipality: str


class ScanOut(Schema):
    status: Literal[
        "ok", "already_checked_in", "unknown", "cancelled", "not_booked", "undone", "not_checked_in"
    ]
    attendee: AttendeeOut | None
    checked_in_at: datetime | None = Field(None, description="When this person was (first) checked in here.")
    scanned_at: datetime
    workshop: int | None


def attendee_out(registration) -> dict | None:
    if registration is None:
        return None
    return {
        "name": registration.full_name,
        "role": registration.role,
        "role_label": str(registration.get_role_display()),
        "municipality": registration.affiliation,
    }


def scan_out(scan: Scan) -> dict:
    checked_in_at = scan.first_checked_in_at
    if scan.status == Scan.Status.OK:
        checked_in_at = scan.scanned_at
    return {
        "status": scan.status,
        "attendee": attendee_out(scan.registration),
        "checked_in_at": checked_in_at,
        "scanned_at": scan.scanned_at,
        "workshop": scan.workshop_id,
    }


def recent_scan_out(scan: Scan) -> dict:
    """A line in the dashboard's list of last scans."""
    return {
        "id": scan.pk,
        "action": scan.action,
        "status": scan.status,
        "name": scan.registration.full_name if scan.registration else "",
        "municipality": scan.registration.affiliation if scan.registration else "",
        "place": scan.workshop.title if scan.workshop else "",
        "device": scan.device.name if scan.device else (scan.user.get_username() if scan.user else ""),
        "scanned_at": timezone.localtime(scan.scanned_at).isoformat(),
    }


def checkin_message(scan: Scan) -> dict:
    """`checkin` or `undo`, with the new totals so that a dashboard never drifts."""
    registration = scan.registration
    counted = CheckIn.objects.filter(registration__event_id=registration.event_id)
    totals = counted.aggregate(
        checked_in=Count("id", filter=Q(workshop__isnull=True)),
        workshop_checked_in=Count("id", filter=Q(workshop_id=scan.workshop_id)),
    )
    return {
        "type": "checkin" if scan.action == Scan.Action.REDEEM else "undo",
        "scan": recent_scan_out(scan),
        "workshop": scan.workshop_id,
        "checked_in": totals["checked_in"],
        "workshop_checked_in": totals["workshop_checked_in"] if scan.workshop_id else None,
    }


class WorkshopStatsOut(Schema):
    id: int
    title: str
    round: str
    room: str
    capacity: int
    booked: int
    waitlisted: int
    checked_in: int


class ArrivalsOut(Schema):
    minute: datetime
    count: int


class RoleStatsOut(Schema):
    role: str
    label: str
    registered: int
    checked_in: int


class ProvinceStatsOut(Schema):
    province: str = Field(description="Empty for attendees from outside a municipality.")
    registered: int
    checked_in: int


class OfferStatsOut(Schema):
    slug: str
    title: str
    places: int | None
    taken: int
    waitlisted: int
    places_left: int | None


class StatsOut(Schema):
    registered: int
    cancelled: int
    checked_in: int
    not_arrived: int
    workshops: list[WorkshopStatsOut]
    arrivals_per_minute: list[ArrivalsOut]
    by_role: list[RoleStatsOut]
    by_province: list[ProvinceStatsOut]
    offers: list[OfferStatsOut]
    generated_at: datetime
