"""Read queries for dashboards, statistics and the scanners' offline list."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat, TruncMinute
from django.utils import timezone

from checkin.models import CheckIn, Scan
from checkin.schemas import recent_scan_out
from events.models import Booking, Event, Registration, Round, Workshop
from networking.selectors import offers

RECENT_SCANS = 20


def stats(event: Event) -> dict:
    """Everything the dashboard shows, in a few grouped queries."""
    registrations = Registration.objects.filter(event=event)
    confirmed = registrations.filter(status=Registration.Status.CONFIRMED)
    entrance = CheckIn.objects.filter(registration__event=event, workshop__isnull=True)
    totals = registrations.aggregate(
        registered=Count("id", filter=Q(status=Registration.Status.CONFIRMED)),
        cancelled=Count("id", filter=Q(status=Registration.Status.CANCELLED)),
    )
    checked_in = entrance.count()

    seats: dict[int, dict[str, int]] = {}
    for workshop_id, status, n in (
        Booking.objects.filter(workshop__round__event=event)
        .values_list("workshop_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        seats.setdefault(workshop_id, {})[status] = n
    present = dict(
        CheckIn.objects.filter(workshop__round__event=event)
        .values_list("workshop_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    workshops = [
        {
            "id": workshop.pk,
            "title": workshop.title,
            "round": workshop.round.label,
            "room": workshop.room.name,
            "capacity": workshop.capacity,
            "booked": seats.get(workshop.pk, {}).get(Booking.Status.BOOKED, 0),
            "waitlisted": seats.get(workshop.pk, {}).get(Booking.Status.WAITLISTED, 0),
            "checked_in": present.get(workshop.pk, 0),
        }
        for workshop in Workshop.objects.filter(round__event=event, round__kind="workshops")
        .select_related("round", "room")
        .order_by("round__starts_at", "title")
    ]
    arrivals = [
        {"minute": row["minute"].isoformat(), "count": row["n"]}
        for row in entrance.annotate(minute=TruncMinute("checked_in_at"))
        .values("minute")
        .annotate(n=Count("id"))
        .order_by("minute")
    ]
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
        .order_by("-registered")
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
        .order_by("-registered")
    ]
    return {
        "registered": totals["registered"],
        "cancelled": totals["cancelled"],
        "checked_in": checked_in,
        "not_arrived": max(totals["registered"] - checked_in, 0),
        "workshops": workshops,
        "arrivals_per_minute": arrivals,
        "by_role": by_role,
        "by_province": by_province,
        "offers": offers(event),
        "generated_at": timezone.now().isoformat(),
    }


def recent_scans(event: Event, limit: int = RECENT_SCANS) -> list[dict]:
    scans = Scan.objects.filter(event=event).select_related(
        "registration__municipality", "workshop", "device", "user"
    )[:limit]
    return [recent_scan_out(scan) for scan in scans]


def dashboard_snapshot(event: Event) -> dict:
    return {"type": "snapshot", "stats": stats(event), "recent_scans": recent_scans(event)}


def offline_list(event: Event) -> dict:
    """What a scanner needs to answer without the network: badge hashes and names, no e-mail."""
    registrations = (
        Registration.objects.filter(event=event)
        .select_related("municipality")
        .prefetch_related("bookings", "checkins")
        .order_by("pk")
    )
    people = []
    for registration in registrations:
        checkins = registration.checkins.all()
        entrance = next((c.checked_in_at for c in checkins if c.workshop_id is None), None)
        people.append(
            {
                "hash": registration.badge_hash,
                "reference": registration.reference,
                "name": registration.full_name,
                "role_label": str(registration.get_role_display()),
                "municipality": registration.affiliation,
                "status": registration.status,
                "workshops": [
                    b.workshop_id for b in registration.bookings.all() if b.status == Booking.Status.BOOKED
                ],
                "checked_in": entrance is not None,
                "checked_in_at": entrance,
                "workshops_checked_in": [c.workshop_id for c in checkins if c.workshop_id],
                "workshops_checked_in_at": {
                    str(c.workshop_id): c.checked_in_at for c in checkins if c.workshop_id
                },
            }
        )
    return {"generated_at": timezone.now().isoformat(), "hash": "sha256", "people": people}


SEARCH_LIMIT = 20


def search_attendees(event: Event, query: str) -> list[dict]:
    """Attendees by (part of) their name or by reference, for staff at a door: never an e-mail address."""
    query = " ".join(query.split())
    entrance = CheckIn.objects.filter(registration=OuterRef("pk"), workshop__isnull=True)
    matches = (
        Registration.objects.filter(event=event)
        .annotate(
            full=Concat("first_name", Value(" "), "last_name"),
            checked_in=Exists(entrance),
        )
        .filter(Q(full__icontains=query) | Q(reference__iexact=query) | Q(reference__iexact=f"DLD-{query}"))
        .select_related("municipality")
        .order_by("last_name", "first_name", "pk")[:SEARCH_LIMIT]
    )
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
        for registration in matches
    ]


def doors(event: Event) -> QuerySet[Workshop]:
    """The workshops of the day, each a door a scanner can stand at (plenary sessions need no check)."""
    return (
        Workshop.objects.filter(
            round__event=event, round__kind=Round.Kind.WORKSHOPS, status=Workshop.Status.SCHEDULED
        )
        .select_related("round", "room")
        .order_by("round__starts_at", "title")
    )
