"""Wire shapes of the check-in: API schemas and the live messages for dashboards."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import StringConstraints, create_model, field_validator, model_validator

from checkin.models import Scan
from events.dashboard import SECTIONS
from events.models import Registration, max_length
from events.municipalities import SIZE_CLASS_KEYS
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
        max_length=max_length(Registration, "reference"),
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
        max_length=max_length(Scan, "nonce"),
        description="Client-chosen id: a retry with the same nonce gets the first answer.",
    )
    scanned_at: datetime | None = Field(
        None,
        description="When a queued offline scan was made, with its time zone. Only times on the "
        "event's day (6 hours' margin either side) are taken: others answer 422 "
        "`scan_time_outside_event`.",
    )

    admit: bool = Field(
        False,
        description='"Toch binnenlaten": at a workshop\'s door, let someone without a seat there in '
        "as a walk-in, while the room has space (else `room_full`).",
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


class OfflinePersonOut(Schema):
    hash: str = Field(description="SHA-256 (hex) of the badge secret, upper case, without `DLD1:`.")
    reference: str
    name: str
    role_label: str
    municipality: str
    status: str
    workshops: list[int] = Field(description="Workshops with a seat (not the waitlist).")
    checked_in: bool
    checked_in_at: datetime | None = Field(description="First check-in at the entrance.")
    workshops_checked_in: list[int]
    workshops_checked_in_at: dict[str, datetime] = Field(description="Workshop id → first check-in there.")


class DoorRoomOut(Schema):
    id: int
    name: str
    capacity: int


class DoorRoundOut(Schema):
    id: int
    label: str
    starts_at: datetime
    ends_at: datetime


class OfflineWorkshopOut(Schema):
    id: int
    title: str
    room: int
    round: int
    allow_walk_ins: bool


class OfflineListOut(Schema):
    generated_at: str
    hash: str
    people: list[OfflinePersonOut]
    rooms: list[DoorRoomOut] = Field(description="The rooms, each a door a scanner can stand at.")
    rounds: list[DoorRoundOut] = Field(description="The workshop rounds of the day.")
    workshops: list[OfflineWorkshopOut] = Field(
        description="The workshops of those rounds, with their room and round: a room's door checks "
        "the one whose round is under way, or the next once it starts within `door_margin_minutes`."
    )
    door_margin_minutes: int


class SearchQuery(Schema):
    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)] = Field(
        description="Part of a name (at least 2 characters), or a reference."
    )


class WorkshopDoorOut(Schema):
    id: int
    title: str
    room: str
    round: str
    starts_at: datetime
    ends_at: datetime
    allow_walk_ins: bool
    room_id: int
    round_id: int


class DeviceOut(Schema):
    id: int
    name: str
    workshop: int | None = Field(
        description="The steward's override: the workshop it checks instead of the clock's choice, "
        "until that workshop's round ends (see `door` of the scanner for what holds now)."
    )


class DoorOut(Schema):
    """What a device's door checks now (checkin.doors)."""

    room: int | None = Field(description="The room whose door it is; none is the entrance.")
    room_name: str | None
    workshop: int | None = Field(
        description="The workshop checked now: the override, else the room's next session once it "
        "starts within the margin, else the one under way; none at the entrance or between sessions."
    )
    override: int | None = Field(description="The steward's override, while it holds.")
    override_until: datetime | None = Field(description="When the override ends (its round's end).")
    next: int | None = Field(description="The room's next session after the one checked.")


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
    rooms: list[DoorRoomOut] = Field(description="The rooms, each a door a device can stand at.")
    door: DoorOut | None = Field(None, description="The paired device's door now; none for an organiser.")
    door_margin_minutes: int


class DoorIn(Schema):
    """Send `room`, `workshop` or both."""

    room: ObjectId | None = Field(
        None,
        description="The room whose door the device stands at (none: the entrance); drops the "
        "override unless `workshop` comes with it.",
    )
    workshop: ObjectId | None = Field(
        None,
        description="The steward's override: check this workshop until its round ends (none: follow "
        "the clock again). A workshop whose round has ended is refused (422).",
    )

    @model_validator(mode="after")
    def _something(self):
        if not self.model_fields_set & {"room", "workshop"}:
            raise ValueError("Send `room`, `workshop` or both.")
        return self


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


class BookedElsewhereOut(Schema):
    workshop: int
    title: str
    room: str
    starts_at: datetime
    ends_at: datetime


class ScanOut(Schema):
    status: Literal[
        "ok",
        "already_checked_in",
        "unknown",
        "cancelled",
        "not_booked",
        "undone",
        "not_checked_in",
        "replaced",
        "room_full",
    ]
    attendee: AttendeeOut | None
    checked_in_at: datetime | None = Field(None, description="When this person was (first) checked in here.")
    replaced_at: datetime | None = Field(
        None, description="For `replaced`: when this badge was reissued (a lost badge); it no longer counts."
    )
    scanned_at: datetime
    workshop: int | None
    walk_in: bool = Field(
        False, description="Let in without a seat (`admit`), or, with `room_full`, asked to be."
    )
    booked_elsewhere: BookedElsewhereOut | None = Field(
        None, description="For `not_booked` and `room_full`: where this person has a seat this round."
    )
    room_places_left: int | None = Field(
        None,
        description="For `not_booked` and `room_full`: places left in the room (its capacity less the "
        'check-ins at this workshop); "Toch binnenlaten" (`admit`) needs one.',
    )


def attendee_out(registration) -> dict | None:
    if registration is None:
        return None
    return {
        "name": registration.full_name,
        "role": registration.role,
        "role_label": str(registration.get_role_display()),
        "municipality": registration.affiliation,
    }


def scan_out(scan: Scan, door: dict | None = None) -> dict:
    checked_in_at, replaced_at = scan.first_checked_in_at, None
    if scan.status == Scan.Status.OK:
        checked_in_at = scan.scanned_at
    elif scan.status == Scan.Status.REPLACED:
        checked_in_at, replaced_at = None, scan.first_checked_in_at
    return {
        "status": scan.status,
        "attendee": attendee_out(scan.registration),
        "checked_in_at": checked_in_at,
        "replaced_at": replaced_at,
        "scanned_at": scan.scanned_at,
        "workshop": scan.workshop_id,
        **({"walk_in": True} if scan.walk_in else {}),
        **(door or {}),
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


class WorkshopStatsOut(Schema):
    id: int
    title: str
    round: str
    round_id: int
    room: str
    capacity: int
    booked: int
    held: int = Field(description="Seats held back for invitation codes, not booked yet.")
    free: int = Field(description="Seats anyone may book.")
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
    size: Literal[(*SIZE_CLASS_KEYS, "unknown", "none")] = Field(
        description="A CBS size class (inhabitants), `unknown` (no figure) or `none` (not from a municipality)."
    )
    label: str
    registered: int
    checked_in: int


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
    devices: list[DeviceStatsOut]
    generated_at: datetime


def stats_out() -> type[Schema]:
    """`StatsOut` (under its name) with the figures of the sections other apps add to the
    dashboard (events.dashboard), e.g. networking's `offers`."""
    sections = {section.key: (section.schema, ...) for section in SECTIONS}
    return create_model(StatsOut.__name__, __base__=StatsOut, **sections)


class BadgeReissuedOut(Schema):
    reference: str
    badge_url: str = Field(description="The new badge's QR code as SVG; the old link answers 404.")
    reissued_at: datetime = Field(description="From this moment the old badge scans as `replaced`.")
