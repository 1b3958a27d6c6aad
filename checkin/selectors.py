"""Read queries for dashboards, statistics and the scanners' offline list."""

import hashlib
import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat, TruncMinute
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.responses import NinjaJSONEncoder

from checkin.models import CheckIn, Device, Scan
from checkin.schemas import recent_scan_out, source_key
from events.dashboard import SECTIONS
from events.models import Booking, Delegation, Event, Registration, Room, Round, Workshop, held_seats
from events.municipalities import SIZE_CLASSES
from events.selectors import outbox_status
from events.times import iso

RECENT_SCANS = 20
ARRIVALS_BUCKET = timedelta(minutes=5)
# A room this full (booked / capacity) is marked on the dashboard.
HOT_OCCUPANCY = 0.9

SIZE_UNKNOWN = ("unknown", _("unknown (no population figure)"))
SIZE_NONE = ("none", _("not from a municipality"))


def _size_class() -> Case:
    """The size class of a registration's municipality, computed in the database for grouping."""
    population = "municipality__population"
    whens = [When(municipality__isnull=True, then=Value(SIZE_NONE[0]))]
    whens.append(When(**{f"{population}__isnull": True}, then=Value(SIZE_UNKNOWN[0])))
    for size in SIZE_CLASSES:
        condition = Q(**{f"{population}__gte": size.low})
        if size.high is not None:
            condition &= Q(**{f"{population}__lt": size.high})
        whens.append(When(condition, then=Value(size.key)))
    return Case(*whens, default=Value(SIZE_UNKNOWN[0]), output_field=CharField())


def _bucket(moment: datetime) -> datetime:
    """The start of the 5-minute block `moment` falls in (local time)."""
    local = timezone.localtime(moment)
    return local.replace(minute=local.minute - local.minute % 5, second=0, microsecond=0)


def _workshops(event: Event, now: datetime) -> tuple[list[dict], list[dict]]:
    """Seats, waitlist and check-ins per workshop, and the no-show rate per started round."""
    # Read before the counts: a revision is never newer than the figures sent with it, so a live
    # event read later (a higher revision) still replaces them on the dashboard.
    listed = list(
        Workshop.objects.filter(round__event=event, round__kind=Round.Kind.WORKSHOPS)
        .select_related("round", "room")
        .annotate(held=held_seats())
        .order_by("round__starts_at", "title")
    )
    present_at_door = CheckIn.objects.filter(
        registration_id=OuterRef("registration_id"), workshop_id=OuterRef("workshop_id")
    )
    seats: dict[int, dict[str, int]] = {}
    for row in (
        Booking.objects.filter(workshop__round__event=event)
        .values("workshop_id")
        .annotate(
            booked=Count("id", filter=Q(status=Booking.Status.BOOKED)),
            waitlisted=Count("id", filter=Q(status=Booking.Status.WAITLISTED)),
            absent=Count("id", filter=Q(status=Booking.Status.BOOKED) & ~Exists(present_at_door)),
        )
        .order_by()
    ):
        seats[row["workshop_id"]] = row
    present = dict(
        CheckIn.objects.filter(workshop__round__event=event)
        .values_list("workshop_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    workshops = []
    rounds: dict[int, dict] = {}
    for workshop in listed:
        counts = seats.get(workshop.pk, {})
        booked = counts.get("booked", 0)
        occupancy = booked / workshop.capacity if workshop.capacity else 0.0
        workshops.append(
            {
                "id": workshop.pk,
                "title": workshop.title,
                "round": workshop.round.label,
                "round_id": workshop.round_id,
                "room": workshop.room.name,
                "capacity": workshop.capacity,
                "revision": workshop.revision,
                "booked": booked,
                "held": workshop.held,
                "free": max(workshop.capacity - booked - workshop.held, 0),
                "waitlisted": counts.get("waitlisted", 0),
                "checked_in": present.get(workshop.pk, 0),
                "absent": counts.get("absent", 0),
                "occupancy": round(occupancy * 100),
                "hot": occupancy >= HOT_OCCUPANCY,
                "full": bool(workshop.capacity) and booked >= workshop.capacity,
                "cancelled": workshop.status == Workshop.Status.CANCELLED,
            }
        )
        entry = rounds.setdefault(
            workshop.round_id,
            {
                "id": workshop.round_id,
                "label": workshop.round.label,
                "starts_at": iso(workshop.round.starts_at),
                "started": workshop.round.starts_at <= now,
                "booked": 0,
                "absent": 0,
            },
        )
        entry["booked"] += booked
        entry["absent"] += counts.get("absent", 0)
    for entry in rounds.values():
        # Before the round starts everyone booked is "absent": no rate until it has begun.
        entry["no_show_rate"] = (
            round(100 * entry["absent"] / entry["booked"]) if entry["started"] and entry["booked"] else None
        )
    return workshops, list(rounds.values())


def _arrivals(event: Event) -> tuple[list[dict], list[dict]]:
    """Entrance check-ins per minute (the API's figure) and per 5 minutes (the dashboard's chart)."""
    per_minute = list(
        CheckIn.objects.filter(registration__event=event, workshop__isnull=True)
        .annotate(minute=TruncMinute("checked_in_at"))
        .values("minute")
        .annotate(n=Count("id"))
        .order_by("minute")
    )
    buckets: dict[datetime, int] = {}
    for row in per_minute:
        start = _bucket(row["minute"])
        buckets[start] = buckets.get(start, 0) + row["n"]
    return (
        [{"minute": iso(row["minute"]), "count": row["n"]} for row in per_minute],
        [{"at": iso(start), "count": n} for start, n in sorted(buckets.items())],
    )


def _by_size(confirmed) -> list[dict]:
    counts = {
        row["size"]: row
        for row in confirmed.annotate(size=_size_class())
        .values("size")
        .annotate(
            registered=Count("id", distinct=True),
            checked_in=Count("checkins", filter=Q(checkins__workshop__isnull=True)),
        )
        .order_by()
    }
    classes = [(size.key, size.label) for size in SIZE_CLASSES] + [SIZE_UNKNOWN, SIZE_NONE]
    return [
        {
            "size": key,
            "label": str(label),
            "registered": counts.get(key, {}).get("registered", 0),
            "checked_in": counts.get(key, {}).get("checked_in", 0),
        }
        for key, label in classes
    ]


def _devices(event: Event) -> list[dict]:
    """Scans and check-ins per door, and when each door was last heard from.

    Scanner devices keep `last_seen_at`; organisers scanning in a browser are listed by account.
    """

    def count_of(model):
        # A subquery per column: two counted joins on one query would multiply each other.
        return Subquery(
            model.objects.filter(device_id=OuterRef("pk"))
            .values("device_id")
            .annotate(n=Count("id"))
            .values("n")[:1]
        )

    rows = [
        {
            "source": source_key(device.pk, None),
            "name": device.name,
            "kind": "device",
            "scans": device.scan_count or 0,
            "checked_in": device.checkin_count or 0,
            "last_seen_at": timezone.localtime(device.last_seen_at).isoformat()
            if device.last_seen_at
            else None,
            "revoked": device.revoked_at is not None,
        }
        for device in Device.objects.filter(event=event)
        .annotate(
            scan_count=count_of(Scan),
            checkin_count=count_of(CheckIn),
        )
        .order_by("name")
    ]
    browser = (
        Scan.objects.filter(event=event, device__isnull=True, user__isnull=False)
        .values("user_id", "user__username")
        .annotate(
            scans=Count("id"),
            last=Max("scanned_at"),
        )
        .order_by("user__username")
    )
    checked_in_by_user = dict(
        CheckIn.objects.filter(registration__event=event, device__isnull=True, user__isnull=False)
        .values_list("user_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows += [
        {
            "source": source_key(None, row["user_id"]),
            "name": row["user__username"],
            "kind": "user",
            "scans": row["scans"],
            "checked_in": checked_in_by_user.get(row["user_id"], 0),
            "last_seen_at": timezone.localtime(row["last"]).isoformat(),
            "revoked": False,
        }
        for row in browser
    ]
    return rows


def stats(event: Event, now: datetime | None = None) -> dict:
    """Everything the dashboard shows, in a bounded number of grouped queries (no query per row)."""
    now = now or timezone.now()
    registrations = Registration.objects.filter(event=event)
    confirmed = registrations.filter(status=Registration.Status.CONFIRMED)
    totals = registrations.aggregate(
        registered=Count("id", filter=Q(status=Registration.Status.CONFIRMED)),
        cancelled=Count("id", filter=Q(status=Registration.Status.CANCELLED)),
    )
    checked_in = CheckIn.objects.filter(registration__event=event, workshop__isnull=True).count()
    workshops, rounds = _workshops(event, now)
    per_minute, per_five_minutes = _arrivals(event)
    by_role = [
        {
            "role": row["role"],
            "label": str(dict(Registration._meta.get_field("role").choices).get(row["role"], row["role"])),
            "registered": row["registered"],
            "checked_in": row["checked_in"],
        }
        for row in confirmed.values("role")
        .annotate(
            registered=Count("id", distinct=True),
            checked_in=Count("checkins", filter=Q(checkins__workshop__isnull=True)),
        )
        .order_by("-registered", "role")
    ]
    by_province = [
        {
            "province": row["municipality__province"] or "",
            "registered": row["registered"],
            "checked_in": row["checked_in"],
        }
        for row in confirmed.values("municipality__province")
        .annotate(
            registered=Count("id", distinct=True),
            checked_in=Count("checkins", filter=Q(checkins__workshop__isnull=True)),
        )
        .order_by("-registered", "municipality__province")
    ]
    return {
        "registered": totals["registered"],
        "cancelled": totals["cancelled"],
        "checked_in": checked_in,
        "not_arrived": max(totals["registered"] - checked_in, 0),
        "workshops": workshops,
        "rounds": rounds,
        "arrivals_per_minute": per_minute,
        "arrivals_per_5_minutes": per_five_minutes,
        "by_role": by_role,
        "by_province": by_province,
        "by_size": _by_size(confirmed),
        "devices": _devices(event),
        "generated_at": timezone.localtime(now).isoformat(),
        # What the other apps add (events.dashboard), e.g. networking's offers.
        **{section.key: section.figures(event) for section in SECTIONS},
    }


def recent_scans(event: Event, limit: int = RECENT_SCANS) -> list[dict]:
    scans = Scan.objects.filter(event=event).select_related(
        "registration__municipality", "workshop", "device", "user"
    )[:limit]
    return [recent_scan_out(scan) for scan in scans]


def dashboard_snapshot(event: Event) -> dict:
    return {
        "type": "snapshot",
        "stats": stats(event),
        "recent_scans": recent_scans(event),
        "outbox": outbox_status(),
    }


def offline_list(event: Event) -> dict:
    """What a scanner needs to answer without the network: badge hashes and names, no e-mail. Three
    plain queries, no model instances: twenty phones fetch it every minute, 700 people each time."""
    registrations = Registration.objects.filter(event=event, erased_at__isnull=True)
    seats: dict[int, list[int]] = defaultdict(list)
    for registration_id, workshop_id in (
        Booking.objects.filter(registration__in=registrations, status=Booking.Status.BOOKED)
        .order_by("created_at", "pk")
        .values_list("registration_id", "workshop_id")
    ):
        seats[registration_id].append(workshop_id)
    entrances: dict[int, datetime] = {}
    doors: dict[int, dict[int, datetime]] = defaultdict(dict)
    for registration_id, workshop_id, checked_in_at in (
        CheckIn.objects.filter(registration__in=registrations)
        .order_by("-checked_in_at", "pk")
        .values_list("registration_id", "workshop_id", "checked_in_at")
    ):
        if workshop_id is None:  # one per person and door (unique constraints)
            entrances[registration_id] = checked_in_at
        else:
            doors[registration_id][workshop_id] = checked_in_at
    roles = dict(Registration._meta.get_field("role").flatchoices)
    people = [
        {
            "hash": badge_hash,
            "reference": reference,
            "name": f"{first_name} {last_name}",
            "role_label": str(roles.get(role, role)),
            "municipality": municipality if municipality_id else organisation,
            "status": status,
            "workshops": seats.get(pk, []),
            "checked_in": pk in entrances,
            "checked_in_at": entrances.get(pk),
            "workshops_checked_in": list(doors.get(pk, {})),
            # JSON's object keys are strings: the workshop ids become "12" on the wire.
            "workshops_checked_in_at": doors.get(pk, {}),
        }
        for pk, badge_hash, reference, first_name, last_name, role, municipality_id, municipality, organisation, status in (
            registrations.order_by("pk").values_list(
                "pk",
                "badge_hash",
                "reference",
                "first_name",
                "last_name",
                "role",
                "municipality_id",
                "municipality__name",
                "organisation",
                "status",
            )
        )
    ]
    return {
        "generated_at": timezone.now().isoformat(),
        "hash": "sha256",
        "people": people,
        **door_plan(event),
    }


@dataclass(frozen=True)
class SharedOfflineList:
    body: bytes  # the JSON the API sends
    etag: str  # of the list without its `generated_at`: the same people and doors, the same tag
    built_at: float  # time.monotonic()


# Per edition the offline list as last built in this process.
_offline_lists: dict[int, SharedOfflineList] = {}
_offline_list_lock = threading.Lock()


def shared_offline_list(event: Event) -> SharedOfflineList:
    """`offline_list` as the API sends it, built at most once per OFFLINE_LIST_MAX_AGE_SECONDS in
    this process and shared: the phones that ask meanwhile wait for that one build instead of each
    building its own (a wave of twenty at once held up the scans behind them). The list carries the
    moment it was built (`generated_at`); its ETag leaves that out, so that a phone whose list is
    still current is answered 304 without the list (hall Wi-Fi)."""
    with _offline_list_lock:
        kept = _offline_lists.get(event.pk)
        if kept is not None and time.monotonic() - kept.built_at < settings.OFFLINE_LIST_MAX_AGE_SECONDS:
            return kept
        built_at = time.monotonic()
        content = offline_list(event)
        generated_at = content.pop("generated_at")
        rest = json.dumps(content, cls=NinjaJSONEncoder).encode()
        # `generated_at` first, then the rest as encoded for the tag: one encoding of 700 people.
        body = b'{"generated_at": ' + json.dumps(generated_at).encode() + b", " + rest[1:]
        etag = f'W/"{hashlib.sha256(rest).hexdigest()[:32]}"'
        kept = _offline_lists[event.pk] = SharedOfflineList(body=body, etag=etag, built_at=built_at)
        return kept


def forget_offline_lists() -> None:
    """For tests, and a process that forks: the next request builds the list anew."""
    _offline_lists.clear()


def door_plan(event: Event) -> dict:
    """Rooms, rounds and their workshops: what a scanner needs to tell, by the clock, which
    workshop a room's door checks (checkin.doors), also offline."""
    workshops = list(doors(event))
    rounds = {workshop.round_id: workshop.round for workshop in workshops}
    return {
        "rooms": [
            {"id": room.pk, "name": room.name, "capacity": room.capacity}
            for room in Room.objects.filter(event=event).order_by("name", "pk")
        ],
        "rounds": [
            {"id": r.pk, "label": r.label, "starts_at": r.starts_at, "ends_at": r.ends_at}
            for r in sorted(rounds.values(), key=lambda r: (r.starts_at, r.pk))
        ],
        "workshops": [
            {
                "id": w.pk,
                "title": w.title,
                "room": w.room_id,
                "round": w.round_id,
                "allow_walk_ins": w.allow_walk_ins,
            }
            for w in workshops
        ],
        "door_margin_minutes": settings.DOOR_MARGIN_MINUTES,
    }


def door_answer(scan: Scan) -> dict:
    """For a scan answered `not_booked` or `room_full` at a workshop's door: where the person has
    a seat this round, and how many places the room has left ("Toch binnenlaten" needs one)."""
    if scan.workshop_id is None or scan.status not in (Scan.Status.NOT_BOOKED, Scan.Status.ROOM_FULL):
        return {}
    workshop = Workshop.objects.select_related("room").get(pk=scan.workshop_id)
    checked_in = CheckIn.objects.filter(workshop=workshop).count()
    seat = (
        Booking.objects.filter(
            registration_id=scan.registration_id,
            round_id=workshop.round_id,
            status=Booking.Status.BOOKED,
            swap=False,
        )
        .select_related("workshop__room", "workshop__round")
        .first()
    )
    elsewhere = None
    if seat is not None:
        elsewhere = {
            "workshop": seat.workshop_id,
            "title": seat.workshop.title,
            "room": seat.workshop.room.name,
            "starts_at": seat.workshop.round.starts_at,
            "ends_at": seat.workshop.round.ends_at,
        }
    return {"booked_elsewhere": elsewhere, "room_places_left": max(workshop.room.capacity - checked_in, 0)}


SEARCH_LIMIT = 20


def _entrance_check_in():
    return Exists(CheckIn.objects.filter(registration=OuterRef("pk"), workshop__isnull=True))


def matching_attendees(event: Event, query: str) -> QuerySet[Registration]:
    """Registrations by (part of) their name or by reference, with `checked_in` (at the entrance)."""
    query = " ".join(query.split())
    return (
        Registration.objects.filter(event=event, erased_at__isnull=True)
        .annotate(full=Concat("first_name", Value(" "), "last_name"), checked_in=_entrance_check_in())
        .filter(Q(full__icontains=query) | Q(reference__iexact=query) | Q(reference__iexact=f"DLD-{query}"))
        .select_related("municipality", "delegation__municipality")
        .order_by("last_name", "first_name", "pk")[:SEARCH_LIMIT]
    )


def search_attendees(event: Event, query: str) -> list[dict]:
    """Attendees by (part of) their name or by reference, for staff at a door: never an e-mail address."""
    return [
        {
            "name": registration.full_name,
            "role": registration.role,
            "role_label": str(registration.get_role_display()),
            "municipality": registration.affiliation,
            "reference": registration.reference,
            "status": registration.status,
            "checked_in": registration.checked_in,
        }
        for registration in matching_attendees(event, query)
    ]


def delegation_members(delegation: Delegation) -> list[Registration]:
    """The delegation's members for the organisers' desk, coordinator first: each with
    `checked_in` (arrived at the entrance) and `desk_bookings` (their workshops in programme order,
    seat or waitlist place). Cancelled members stay in the list, marked by their status."""
    members = (
        delegation.members.annotate(checked_in=_entrance_check_in())
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.select_related("workshop__round").order_by(
                    "round__starts_at", "swap"
                ),
                to_attr="desk_bookings",
            )
        )
        .order_by("last_name", "first_name", "pk")
    )
    return sorted(members, key=lambda member: member.pk != delegation.coordinator_registration_id)


def doors(event: Event) -> QuerySet[Workshop]:
    """The workshops of the day, each a door a scanner can stand at (plenary sessions need no check)."""
    return (
        Workshop.objects.filter(
            round__event=event, round__kind=Round.Kind.WORKSHOPS, status=Workshop.Status.SCHEDULED
        )
        .select_related("round", "room")
        .order_by("round__starts_at", "title")
    )
