"""Read queries of 1:1 meetings and advisers' intakes: who is free when, an attendee's meetings, the
organisers' counts."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone

from events.models import Booking, Event, Municipality, Registration, Round
from networking.models import (
    INTAKE_OFFER_SLUGS,
    DirectoryProfile,
    Intake,
    Meeting,
    MeetingSlot,
    MeetingTable,
    Signup,
)

Period = tuple[datetime, datetime]


def busy_periods(registration: Registration, *, except_meeting: int | None = None) -> list[Period]:
    """When the attendee is taken: the plenary rounds, the rounds of the workshops they have a
    seat in, their accepted meetings and their booked intakes (as adviser or as booker)."""
    return busy_periods_of([registration], except_meeting=except_meeting)[registration.pk]


def busy_periods_of(
    registrations: list[Registration], *, except_meeting: int | None = None
) -> dict[int, list[Period]]:
    """busy_periods of several attendees of one edition, in four queries whatever their number."""
    busy: dict[int, list[Period]] = {}
    if not registrations:
        return busy
    ids = [registration.pk for registration in registrations]
    plenary = [
        (r.starts_at, r.ends_at)
        for r in Round.objects.filter(event_id=registrations[0].event_id, kind=Round.Kind.PLENARY)
    ]
    for registration_id in ids:
        busy[registration_id] = list(plenary)
    seats = (
        Booking.objects.filter(registration_id__in=ids, status=Booking.Status.BOOKED)
        .exclude(round__kind=Round.Kind.PLENARY)
        .values_list("registration_id", "round__starts_at", "round__ends_at")
    )
    for registration_id, starts_at, ends_at in seats:
        busy[registration_id].append((starts_at, ends_at))
    meetings = (
        Meeting.objects.filter(Q(requester_id__in=ids) | Q(invitee_id__in=ids), state=Meeting.State.ACCEPTED)
        .exclude(pk=except_meeting)
        .values_list("requester_id", "invitee_id", "slot__starts_at", "slot__ends_at")
    )
    intakes = Intake.objects.filter(
        Q(adviser_id__in=ids) | Q(booked_by_id__in=ids), state=Intake.State.BOOKED
    ).values_list("adviser_id", "booked_by_id", "slot__starts_at", "slot__ends_at")
    for first, second, starts_at, ends_at in [*meetings, *intakes]:
        for registration_id in {first, second} & busy.keys():
            busy[registration_id].append((starts_at, ends_at))
    return busy


def overlaps(slot: MeetingSlot, periods: list[Period]) -> bool:
    return any(start < slot.ends_at and slot.starts_at < end for start, end in periods)


def tables_taken(slot: MeetingSlot) -> list[int]:
    return list(
        Meeting.objects.filter(slot=slot, state=Meeting.State.ACCEPTED).values_list("table_id", flat=True)
    )


def free_table(slot: MeetingSlot) -> MeetingTable | None:
    """The lowest numbered table not taken in the slot."""
    return (
        MeetingTable.objects.filter(event_id=slot.event_id)
        .exclude(pk__in=tables_taken(slot))
        .order_by("number")
        .first()
    )


def free_slots(first: Registration, second: Registration, *, exclude: int | None = None) -> list[MeetingSlot]:
    """The slots still to come in which both are free and a table is left, in time order."""
    tables = MeetingTable.objects.filter(event_id=first.event_id).count()
    slots = (
        MeetingSlot.objects.filter(event_id=first.event_id, starts_at__gt=timezone.now())
        .exclude(pk=exclude)
        .annotate(taken=Count("meetings", filter=Q(meetings__state=Meeting.State.ACCEPTED)))
        .order_by("starts_at", "id")
    )
    busy = busy_periods(first) + busy_periods(second)
    return [slot for slot in slots if slot.taken < tables and not overlaps(slot, busy)]


def has_slots(event: Event) -> bool:
    return MeetingSlot.objects.filter(event=event, starts_at__gt=timezone.now()).exists()


@dataclass
class Meetings:
    incoming: list[Meeting]  # requests this attendee may accept, decline or answer with another slot
    outgoing: list[Meeting]  # requests this attendee sent, not answered yet
    accepted: list[Meeting]


def meetings_of(registration: Registration) -> Meetings:
    meetings = list(
        Meeting.objects.involving(registration)
        .filter(state__in=[Meeting.State.REQUESTED, Meeting.State.ACCEPTED])
        .select_related("slot", "table", "requester__municipality", "invitee__municipality")
    )
    requested = [m for m in meetings if m.state == Meeting.State.REQUESTED]
    return Meetings(
        incoming=[m for m in requested if m.invitee_id == registration.pk],
        outgoing=[m for m in requested if m.requester_id == registration.pk],
        accepted=[m for m in meetings if m.state == Meeting.State.ACCEPTED],
    )


def meeting_counts(event: Event) -> dict:
    """The organisers' figures: accepted meetings (held or to be held) per slot and per table."""
    accepted = Q(meetings__state=Meeting.State.ACCEPTED)
    # Ordered here: Meta.ordering does not apply to queries that group.
    slots = (
        MeetingSlot.objects.filter(event=event)
        .annotate(
            accepted=Count("meetings", filter=accepted),
            requested=Count("meetings", filter=Q(meetings__state=Meeting.State.REQUESTED)),
        )
        .order_by("starts_at", "id")
    )
    tables = (
        MeetingTable.objects.filter(event=event)
        .annotate(accepted=Count("meetings", filter=accepted))
        .order_by("number")
    )
    table_count = len(tables)
    return {
        "intakes": intake_counts(event),
        "accepted": sum(slot.accepted for slot in slots),
        "cancelled": Meeting.objects.filter(slot__event=event, state=Meeting.State.CANCELLED).count(),
        "tables": table_count,
        "slots": [
            {
                "starts_at": timezone.localtime(slot.starts_at).isoformat(),
                "ends_at": timezone.localtime(slot.ends_at).isoformat(),
                "accepted": slot.accepted,
                "requested": slot.requested,
                "tables_left": max(table_count - slot.accepted, 0),
            }
            for slot in slots
        ],
        "per_table": [
            {"number": table.number, "area": table.area, "accepted": table.accepted} for table in tables
        ],
    }


def is_listed(registration: Registration) -> bool:
    return DirectoryProfile.objects.filter(registration=registration, listed=True).exists()


def listed_person(viewer: Registration, registration_id: int) -> Registration | None:
    """Someone else of the viewer's edition who is attending and listed in the directory."""
    return (
        Registration.objects.select_related("municipality")
        .filter(
            pk=registration_id,
            event_id=viewer.event_id,
            status=Registration.Status.CONFIRMED,
            directory_profile__listed=True,
        )
        .exclude(pk=viewer.pk)
        .first()
    )


# Advisers' intakes.


def advisers(event_id: int) -> list[Registration]:
    """The programme's advisers of the edition: attending, listed in the directory, marked by the
    organisers."""
    return list(
        Registration.objects.filter(
            event_id=event_id,
            status=Registration.Status.CONFIRMED,
            erased_at__isnull=True,
            directory_profile__listed=True,
            directory_profile__adviser=True,
        ).order_by("last_name", "first_name", "pk")
    )


def is_adviser(registration: Registration) -> bool:
    return DirectoryProfile.objects.filter(registration=registration, listed=True, adviser=True).exists()


def may_book_intake(event_id: int, municipality_id: int | None) -> bool:
    """The municipality holds a place for the Quick Scan or a development track."""
    return (
        municipality_id is not None
        and Signup.objects.filter(
            offer__event_id=event_id,
            offer__slug__in=INTAKE_OFFER_SLUGS,
            municipality_id=municipality_id,
            status=Signup.Status.ACCEPTED,
        ).exists()
    )


def free_intake_slots(
    adviser: Registration, booker: Registration | None = None, *, exclude: int | None = None
) -> list[MeetingSlot]:
    """The slots still to come in which the adviser (and the booking attendee, if any) is free."""
    return _free_intake_slots_of([adviser], booker, exclude=exclude)[adviser.pk]


def _free_intake_slots_of(
    advisers: list[Registration], booker: Registration | None, *, exclude: int | None = None
) -> dict[int, list[MeetingSlot]]:
    if not advisers:
        return {}
    busy = busy_periods_of([*advisers, *([booker] if booker is not None else [])])
    slots = list(
        MeetingSlot.objects.filter(event_id=advisers[0].event_id, starts_at__gt=timezone.now())
        .exclude(pk=exclude)
        .order_by("starts_at", "id")
    )
    booker_busy = busy[booker.pk] if booker is not None else []
    return {
        adviser.pk: [slot for slot in slots if not overlaps(slot, busy[adviser.pk] + booker_busy)]
        for adviser in advisers
    }


@dataclass
class AdviserOffer:
    adviser: Registration
    slots: list[MeetingSlot]


def intake_offers(event_id: int, municipality: Municipality, booker: Registration | None = None) -> list:
    """Per adviser the free slots, for a municipality that has no intake with them yet."""
    booked = set(
        Intake.objects.filter(municipality=municipality, state=Intake.State.BOOKED).values_list(
            "adviser_id", flat=True
        )
    )
    offered = [
        adviser
        for adviser in advisers(event_id)
        if adviser.pk not in booked and adviser.pk != getattr(booker, "pk", None)
    ]
    free = _free_intake_slots_of(offered, booker)
    return [AdviserOffer(adviser, free[adviser.pk]) for adviser in offered]


def intake_panel(
    event_id: int, municipality: Municipality | None, booker: Registration | None = None
) -> dict:
    """What a page shows a municipality's booker: its booked intakes and, per adviser, the free
    slots (`may_book` False: the municipality has no Quick Scan or track, the panel says so)."""
    if municipality is None:
        return {"may_book": False, "intakes": [], "offers": []}
    may_book = may_book_intake(event_id, municipality.pk)
    return {
        "may_book": may_book,
        "municipality": municipality,
        "intakes": intakes_of_municipality(event_id, municipality.pk),
        "offers": intake_offers(event_id, municipality, booker) if may_book else [],
    }


def intakes_of_municipality(event_id: int, municipality_id: int) -> list[Intake]:
    return list(
        Intake.objects.filter(
            slot__event_id=event_id, municipality_id=municipality_id, state=Intake.State.BOOKED
        ).select_related("slot", "adviser")
    )


def intakes_of(registration: Registration) -> list[Intake]:
    """The booked intakes the attendee gives (as adviser) or booked."""
    return list(
        Intake.objects.involving(registration)
        .filter(state=Intake.State.BOOKED)
        .select_related("slot", "adviser", "municipality")
    )


def intakes_given(adviser: Registration) -> list[Intake]:
    return list(
        Intake.objects.filter(adviser=adviser, state=Intake.State.BOOKED).select_related(
            "slot", "municipality"
        )
    )


def intake_counts(event: Event) -> list[dict]:
    """The organisers' view of the intakes, per adviser: the booked ones in time order."""
    intakes = Intake.objects.filter(slot__event=event, state=Intake.State.BOOKED).select_related(
        "slot", "municipality"
    )
    per_adviser: dict[int, list[Intake]] = {}
    for intake in intakes.order_by("slot__starts_at", "id"):
        per_adviser.setdefault(intake.adviser_id, []).append(intake)
    return [
        {
            "adviser": adviser.full_name,
            "booked": len(per_adviser.get(adviser.pk, [])),
            "intakes": [
                {
                    "starts_at": timezone.localtime(intake.slot.starts_at).isoformat(),
                    "ends_at": timezone.localtime(intake.slot.ends_at).isoformat(),
                    "municipality": intake.municipality.name,
                }
                for intake in per_adviser.get(adviser.pk, [])
            ],
        }
        for adviser in advisers(event.pk)
    ]
