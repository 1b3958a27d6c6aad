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


def source_key(device_id: int | None, user_id: int | None) -> str:
    """Who scanned, as a stable key for the dashboard's door table: a device, or an organiser's account."""
    return f"device-{device_id}" if device_id else f"user-{user_id}"


def recent_scan_out(scan: Scan) -> dict:
    """A line in the dashboard's list of last scans."""
    registration = scan.registration
    return {
        "id": scan.pk,
        "action": scan.action,
        "status": scan.status,
        "status_label": str(scan.get_status_display()),
        "name": registration.full_name if registration else "",
        "municipality": registration.affiliation if registration else "",
        "role": registration.role if registration else "",
        "province": registration.municipality.province
        if registration and registration.municipality_id
        else "",
        "place": scan.workshop.title if scan.workshop else "",
        "device": scan.device.name if scan.device else (scan.user.get_username() if scan.user else ""),
        "source": source_key(scan.device_id, scan.user_id),
        "scanned_at": timezone.localtime(scan.scanned_at).isoformat(),
    }


def checkin_message(scan: Scan) -> dict:
    """`checkin` or `undo`, with the new totals so that a dashboard never drifts.

    One query, as before: the per-door count rides on the same aggregate.
    """
    registration = scan.registration
    counted = CheckIn.objects.filter(registration__event_id=registration.event_id)
    by_source = (
        Q(device_id=scan.device_id) if scan.device_id else Q(device__isnull=True, user_id=scan.user_id)
    )
    totals = counted.aggregate(
        checked_in=Count("id", filter=Q(workshop__isnull=True)),
        workshop_checked_in=Count("id", filter=Q(workshop_id=scan.workshop_id)),
        source_checked_in=Count("id", filter=by_source),
    )
    last_seen = scan.device.last_seen_at if scan.device and scan.device.last_seen_at else scan.created_at
    line = recent_scan_out(scan)
    return {
        "type": "checkin" if scan.action == Scan.Action.REDEEM else "undo",
        "scan": line,
        "workshop": scan.workshop_id,
        "checked_in": totals["checked_in"],
        "workshop_checked_in": totals["workshop_checked_in"] if scan.workshop_id else None,
        "source": {
            "key": line["source"],
            "name": line["device"],
            "kind": "device" if scan.device_id else "user",
            "checked_in": totals["source_checked_in"],
            "last_seen_at": timezone.localtime(last_seen).isoformat(),
        },
    }


class WorkshopStatsOut(Schema):
    id: int
    title: str
    round: str
    round_id: int
    room: str
    capacity: int
    booked: int
    waitlisted: int
    checked_in: int
    absent: int = Field(description="Booked, but not checked in at the workshop's door.")
    occupancy: int = Field(description="Booked seats as a percentage of capacity.")
    hot: bool = Field(description="90 % of the seats or more are booked.")
    cancelled: bool


class RoundStatsOut(Schema):
    id: int
    label: str
    starts_at: datetime
    started: bool
    booked: int
    absent: int
    no_show_rate: int | None = Field(description="Percentage of booked seats not checked in; once started.")


class ArrivalsOut(Schema):
    minute: datetime
    count: int


class ArrivalBlockOut(Schema):
    at: datetime = Field(description="Start of a 5-minute block.")
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


class SizeStatsOut(Schema):
    size: Literal["lt20k", "20k-50k", "50k-100k", "100k+", "unknown", "none"]
    label: str
    registered: int
    checked_in: int


class LastSignupOut(Schema):
    municipality: str
    province: str
    status: str
    created_at: datetime


class OfferStatsOut(Schema):
    slug: str
    title: str
    places: int | None
    taken: int
    waitlisted: int
    places_left: int | None
    last_signup: LastSignupOut | None = None


class DeviceStatsOut(Schema):
    source: str = Field(description="`device-<id>` or `user-<id>` (an organiser scanning in a browser).")
    name: str
    kind: Literal["device", "user"]
    scans: int
    checked_in: int
    last_seen_at: datetime | None
    revoked: bool


class StatsOut(Schema):
    registered: int
    cancelled: int
    checked_in: int
    not_arrived: int
    workshops: list[WorkshopStatsOut]
    rounds: list[RoundStatsOut]
    arrivals_per_minute: list[ArrivalsOut]
    arrivals_per_5_minutes: list[ArrivalBlockOut]
    by_role: list[RoleStatsOut]
    by_province: list[ProvinceStatsOut]
    by_size: list[SizeStatsOut]
    offers: list[OfferStatsOut]
    devices: list[DeviceStatsOut]
    generated_at: datetime
