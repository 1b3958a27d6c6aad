"""Wire shapes of the check-in: API schemas and the live messages for dashboards."""

from datetime import UTC, datetime
from typing import Literal

from django.db import connection
from django.utils import timezone
from ninja import Field, Schema
from pydantic import field_validator, model_validator

from checkin.models import CheckIn, Scan
from events.models import Registration
from events.schemas import ObjectId

EARLIEST_SCAN = datetime(2000, 1, 1, tzinfo=UTC)


class BadgeIn(Schema):
    """Whose check-in: the badge's secret, or (staff who found someone by name) the reference."""

    secret: str | None = Field(
        None, min_length=1, max_length=200, description="What the QR holds (`DLD1:…`) or the bare secret."
    )
    reference: str | None = Field(
        None,
        min_length=4,
        max_length=12,
        description="The registration's reference (`DLD-7K3Q`), instead of the secret: for someone "
        "without their badge, found by name.",
    )
    workshop: ObjectId | None = Field(None, description="Workshop id; none means the entrance.")

    @model_validator(mode="after")
    def _secret_or_reference(self):
        if (self.secret is None) == (self.reference is None):
            raise ValueError("Send either `secret` or `reference`.")
        return self


class RedeemIn(BadgeIn):
    nonce: str | None = Field(
        None,
        min_length=8,
        max_length=64,
        description="Client-chosen id: a retry with the same nonce gets the first answer.",
    )
    scanned_at: datetime | None = Field(
        None, description="When a queued offline scan was made, with its time zone (later than 2000)."
    )

    @field_validator("scanned_at")
    @classmethod
    def _plausible_time(cls, value: datetime | None) -> datetime | None:
        # A phone's clock can be wrong, but not by centuries; a naive time cannot be compared with ours.
        if value is None:
            return value
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("Give `scanned_at` with its time zone, e.g. 2027-11-16T10:05:00+01:00.")
        if value < EARLIEST_SCAN:
            raise ValueError("`scanned_at` is not a plausible time.")
        return value


class UndoIn(BadgeIn):
    pass


class PairIn(Schema):
    code: str = Field(min_length=8, max_length=100, description="The one-time code from the pairing QR.")


class WorkshopDoorOut(Schema):
    id: int
    title: str
    room: str
    round: str
    starts_at: datetime
    ends_at: datetime
    allow_walk_ins: bool


class DeviceOut(Schema):
    id: int
    name: str
    workshop: int | None = Field(description="The door it scans at; none is the entrance.")


class PairOut(Schema):
    token: str = Field(
        description="The device's bearer token: keep it on the phone, send it as `Authorization: Bearer`."
    )
    device: DeviceOut


class ScannerOut(Schema):
    """Who is scanning and where they can scan."""

    event: str
    device: DeviceOut | None = Field(description="The paired device; none for a logged-in organiser.")
    user: str | None = Field(description="The organiser's user name; none for a device.")
    doors: list[WorkshopDoorOut] = Field(description="Workshops of the day, each a door one can scan at.")


class DoorIn(Schema):
    workshop: ObjectId | None = Field(description="Workshop id; none means the entrance.")


class AttendeeMatchOut(Schema):
    name: str
    role: str
    role_label: str
    municipality: str
    reference: str
    status: str
    checked_in: bool = Field(description="Checked in at the entrance.")


def device_out(device) -> dict:
    return {"id": device.pk, "name": device.name, "workshop": device.workshop_id}


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


# The dashboard's three totals after a scan, each an indexed count: entrance check-ins of the
# event (bounded by the attendees), check-ins at the scan's workshop, and those of the scan's
# device (a device belongs to one event) or, for an organiser's own scans, of that user at this
# event. Only table names from the models go into the text; every value is a parameter.
_CHECKINS = CheckIn._meta.db_table
_OF_EVENT = f"{_CHECKINS} c JOIN {Registration._meta.db_table} r ON r.id = c.registration_id"
_ENTRANCE_SQL = f"SELECT COUNT(*) FROM {_OF_EVENT} WHERE c.workshop_id IS NULL AND r.event_id = %s"  # noqa: S608
_TOTALS_SQL = {
    "device": (
        f"SELECT ({_ENTRANCE_SQL}),"  # noqa: S608
        f" (SELECT COUNT(*) FROM {_CHECKINS} c WHERE c.workshop_id = %s),"
        f" (SELECT COUNT(*) FROM {_CHECKINS} c WHERE c.device_id = %s)"
    ),
    "user": (
        f"SELECT ({_ENTRANCE_SQL}),"  # noqa: S608
        f" (SELECT COUNT(*) FROM {_CHECKINS} c WHERE c.workshop_id = %s),"
        f" (SELECT COUNT(*) FROM {_OF_EVENT} WHERE c.device_id IS NULL AND c.user_id = %s AND r.event_id = %s)"
    ),
}


def checkin_message(scan: Scan) -> dict:
    """`checkin` or `undo`, with the new totals so that a dashboard never drifts.

    One query for the three totals, in plain SQL: it runs after every scan, and building it with
    the ORM cost more CPU than counting.
    """
    registration = scan.registration
    event_id = registration.event_id
    if scan.device_id:
        sql, params = _TOTALS_SQL["device"], [event_id, scan.workshop_id, scan.device_id]
    else:
        sql, params = _TOTALS_SQL["user"], [event_id, scan.workshop_id, scan.user_id, event_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        checked_in, workshop_checked_in, source_checked_in = cursor.fetchone()
    totals = {
        "checked_in": checked_in,
        "workshop_checked_in": workshop_checked_in,
        "source_checked_in": source_checked_in,
    }
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
