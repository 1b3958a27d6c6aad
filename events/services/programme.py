"""The organisers' changes to the programme: moving a workshop, its capacity, cancelling it,
new times for a round. Each bumps the workshops' SEQUENCE (calendars update), tells the
attendees concerned and publishes the change after commit."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import audit
from events.errors import WorkshopError
from events.models import Booking, Room, Round, Workshop
from events.services.seats import (
    announce_after_commit,
    calendar_changed,
    lock_workshops,
    promote,
    settle_swaps,
    tell,
)


def check_workshop_change(workshop: Workshop, *, room: Room, round: Round, capacity: int) -> None:
    """The rules for where a workshop may be and how many it may seat. Raises WorkshopError."""
    event_id = workshop.round.event_id
    if room.event_id != event_id or round.event_id != event_id:
        raise WorkshopError("other_event", _("Room and round must belong to the same event."), status=422)
    if round.kind != workshop.round.kind:
        raise WorkshopError(
            "round_kind", _("A workshop can only move to another workshop round."), field="round", status=422
        )
    if capacity > room.capacity:
        raise WorkshopError(
            "capacity_exceeds_room",
            _("The capacity (%(capacity)s) is larger than the room (%(room)s places).")
            % {"capacity": capacity, "room": room.capacity},
            field="capacity",
            status=422,
        )
    clash = (
        Workshop.objects.filter(round=round, room=room, status=Workshop.Status.SCHEDULED)
        .exclude(pk=workshop.pk)
        .first()
    )
    if clash is not None:
        raise WorkshopError(
            "room_taken",
            _("%(room)s is already in use in this round by “%(title)s”.")
            % {"room": room.name, "title": clash.title},
            field="room",
        )
    booked = workshop.bookings.filter(status=Booking.Status.BOOKED).count() if workshop.pk else 0
    if capacity < booked:
        raise WorkshopError(
            "capacity_below_booked",
            _("%(booked)s people already have a seat; the capacity cannot be lower.") % {"booked": booked},
            field="capacity",
        )


def update_workshop(
    workshop: Workshop,
    *,
    room: Room | None = None,
    round: Round | None = None,
    capacity: int | None = None,
) -> Workshop:
    """Move a workshop to another room or round, or change its capacity.

    The one way placement changes: bumps the workshop's sequence (calendars update), gives new
    seats to the waitlist at once, e-mails everyone with a seat when the room or time changed, and
    tells every open programme and dashboard. Attendees who already have another workshop in the
    round it moves to keep that one; their place in the moved workshop is released and they are told.
    """
    with transaction.atomic():
        # Both rounds whole: freed seats may go to people waiting to swap (see seats.promote).
        in_new_round = list(round.workshops.values_list("pk", flat=True)) if round else []
        locked = lock_workshops([workshop.pk, *in_new_round], whole_rounds=True)
        workshop = locked[workshop.pk]
        _place(workshop, locked, room=room, round=round, capacity=capacity)
        announce_after_commit(workshops={workshop.pk: workshop})
    return workshop


# A workshop's status for a moment inside a swap's transaction, never committed and never a
# choice: it frees the workshop's (room, round) in the partial unique index while its partner
# takes that place.
MOVING = "moving"


class StaleVersion(WorkshopError):
    """The card the change was based on changed meanwhile: the change is refused (409)."""

    def __init__(self, workshop_ids: list[int]):
        super().__init__(
            "stale_version",
            _("Someone else changed this workshop in the meantime. The board now shows the current state."),
        )
        self.workshop_ids = workshop_ids


def _check_versions(locked: dict[int, Workshop], versions: dict[int, int]) -> None:
    stale = [pk for pk, version in versions.items() if pk not in locked or locked[pk].sequence != version]
    if stale:
        raise StaleVersion(sorted(versions))


def _fitting(capacity: int, room: Room) -> int:
    """A workshop moved into a smaller room seats at most the room."""
    return min(capacity, room.capacity)


def _place(workshop: Workshop, locked: dict[int, Workshop], *, room, round, capacity) -> dict:
    """Move a locked workshop or change its capacity, inside the caller's transaction (which
    holds both rounds whole); returns how many were told, released and promoted."""
    if workshop.status == Workshop.Status.CANCELLED:
        raise WorkshopError("workshop_cancelled", _("This workshop has been cancelled."))
    old_round_id = workshop.round_id
    new_room = room or workshop.room
    new_round = round or workshop.round
    new_capacity = workshop.capacity if capacity is None else capacity
    moved_time = new_round.pk != workshop.round_id
    moved_room = new_room.pk != workshop.room_id
    released: list[Booking] = []
    if moved_time:
        released = list(
            workshop.bookings.select_related("registration")
            .exclude(round=new_round)
            .filter(registration__bookings__round=new_round)
            .distinct()
        )
        workshop.bookings.filter(pk__in=[booking.pk for booking in released]).delete()
        calendar_changed(booking.registration_id for booking in released)
    check_workshop_change(workshop, room=new_room, round=new_round, capacity=new_capacity)
    if moved_time:
        workshop.bookings.update(round=new_round)
        settle_swaps([old_round_id, new_round.pk])
    placement = ["room", "round", "capacity"]
    before = audit.values(workshop, placement)
    workshop.room, workshop.round, workshop.capacity = new_room, new_round, new_capacity
    workshop.status = Workshop.Status.SCHEDULED
    workshop.sequence += 1
    workshop.save(update_fields=["room", "round", "capacity", "status", "sequence", "updated_at"])
    promoted = promote(workshop, locked)
    told = []
    if moved_time or moved_room:
        seated = workshop.bookings.filter(status=Booking.Status.BOOKED).select_related("registration")
        moved = [name for name, changed in (("room", moved_room), ("time", moved_time)) if changed]
        told = [booking for booking in seated if booking not in promoted]
        tell("workshop_changed", told, moved=moved)
    tell("workshop_moved_away", released)
    counts = {"promoted": len(promoted), "released": len(released), "told": len(told)}
    if changed := audit.changes(before, audit.values(workshop, placement)):
        audit.log(
            workshop,
            "workshop.moved" if moved_time or moved_room else "workshop.capacity_changed",
            event=workshop.round.event_id,
            changes=changed,
            data={key: count for key, count in counts.items() if count},
        )
    return counts


def _total(*counts: dict) -> dict:
    return {key: sum(count[key] for count in counts) for key in ("promoted", "released", "told")}


def move_workshop(
    workshop: Workshop,
    *,
    version: int,
    room: Room | None = None,
    round: Round | None = None,
    capacity: int | None = None,
) -> dict:
    """The planning board's move (or capacity change) of one card, based on the card's `version`
    (its sequence): a stale version is refused (StaleVersion, 409). A workshop moved into a smaller
    room seats at most the room. Returns the counts of what happened (told, released, promoted)."""
    with transaction.atomic():
        target = round or workshop.round
        in_new_round = list(target.workshops.values_list("pk", flat=True))
        locked = lock_workshops([workshop.pk, *in_new_round], whole_rounds=True)
        _check_versions(locked, {workshop.pk: version})
        workshop = locked[workshop.pk]
        if capacity is None and room is not None and room.pk != workshop.room_id:
            capacity = _fitting(workshop.capacity, room)
        counts = _place(workshop, locked, room=room, round=round, capacity=capacity)
        announce_after_commit(workshops=[workshop.pk])
    return counts


def swap_workshops(first: Workshop, second: Workshop, *, versions: dict[int, int]) -> dict:
    """Swap two cards of the board in one transaction: each takes the other's room and round.

    The partial unique index on (round, room) is not deferrable, so the first workshop leaves its
    place for a moment (MOVING, never committed) while the second takes it. Someone booked in both
    workshops of two rounds keeps both: their two bookings trade workshops instead of rounds."""
    if first.pk == second.pk:
        raise WorkshopError("swap_same", _("A workshop cannot be swapped with itself."), status=422)
    with transaction.atomic():
        locked = lock_workshops([first.pk, second.pk], whole_rounds=True)
        _check_versions(locked, versions)
        first, second = locked[first.pk], locked[second.pk]
        for workshop in (first, second):
            if workshop.status == Workshop.Status.CANCELLED:
                raise WorkshopError("workshop_cancelled", _("This workshop has been cancelled."))
        first_room, first_round = first.room, first.round
        second_room, second_round = second.room, second.round
        if first_round.pk != second_round.pk:
            _trade_shared_bookings(first, second)
        Workshop.objects.filter(pk=first.pk).update(status=MOVING)
        counts_second = _place(
            second, locked, room=first_room, round=first_round, capacity=_fitting(second.capacity, first_room)
        )
        counts_first = _place(
            first,
            locked,
            room=second_room,
            round=second_round,
            capacity=_fitting(first.capacity, second_room),
        )
        announce_after_commit(workshops=[first.pk, second.pk])
    return _total(counts_first, counts_second)


def _trade_shared_bookings(first: Workshop, second: Workshop) -> None:
    """For attendees booked in both (in two rounds): each booking row stays in its round and takes
    the other workshop, with that booking's status and waitlist place."""
    mine = {b.registration_id: b for b in first.bookings.filter(swap=False)}
    for theirs in second.bookings.filter(registration_id__in=list(mine), swap=False):
        own = mine[theirs.registration_id]
        fields = ("status", "swap", "created_at")
        own_values = {name: getattr(own, name) for name in fields}
        Booking.objects.filter(pk=own.pk).update(workshop=second, **{n: getattr(theirs, n) for n in fields})
        Booking.objects.filter(pk=theirs.pk).update(workshop=first, **own_values)


def cancel_workshop(workshop: Workshop) -> Workshop:
    """Cancel a workshop: everyone on it is told and may choose again in that round."""
    with transaction.atomic():
        workshop = lock_workshops([workshop.pk])[workshop.pk]
        if workshop.status == Workshop.Status.CANCELLED:
            return workshop
        affected = list(
            workshop.bookings.filter(
                status__in=[Booking.Status.BOOKED, Booking.Status.WAITLISTED]
            ).select_related("registration")
        )
        # Who waited to swap to it keeps the seat they have; the others hold a cancelled booking
        # until they choose again.
        workshop.bookings.filter(swap=True).delete()
        workshop.bookings.filter(pk__in=[booking.pk for booking in affected if not booking.swap]).update(
            status=Booking.Status.WORKSHOP_CANCELLED
        )
        workshop.status = Workshop.Status.CANCELLED
        workshop.sequence += 1
        workshop.save(update_fields=["status", "sequence", "updated_at"])
        tell("workshop_cancelled", affected)
        audit.log(
            workshop,
            "workshop.cancelled",
            event=workshop.round.event_id,
            changes={"status": [Workshop.Status.SCHEDULED, Workshop.Status.CANCELLED]},
            data={"told": len(affected)} if affected else {},
        )
        announce_after_commit(workshops={workshop.pk: workshop})
    return workshop


def workshops_details_changed(workshops: Iterable[Workshop]) -> None:
    """Title, description, speakers or room name were edited: calendars must see a new SEQUENCE."""
    ids = [workshop.pk for workshop in workshops]
    with transaction.atomic():
        Workshop.objects.filter(pk__in=ids).update(sequence=F("sequence") + 1, updated_at=timezone.now())
        announce_after_commit(workshops=ids)


def reschedule_round(round: Round, *, starts_at, ends_at) -> Round:
    """New times for a whole round: every workshop in it moves, so calendars and attendees follow."""
    if ends_at <= starts_at:
        raise WorkshopError(
            "round_ends_before_start", _("A round must end after it starts."), field="ends_at", status=422
        )
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        times = ["starts_at", "ends_at"]
        before = audit.values(round, times)
        round.starts_at, round.ends_at = starts_at, ends_at
        round.save(update_fields=times)
        workshops = lock_workshops(round.workshops.values_list("pk", flat=True))
        Workshop.objects.filter(pk__in=list(workshops)).update(
            sequence=F("sequence") + 1, updated_at=timezone.now()
        )
        seated = list(
            Booking.objects.filter(workshop__in=list(workshops), status=Booking.Status.BOOKED).select_related(
                "registration"
            )
        )
        tell("workshop_changed", seated, moved=["time"])
        if changed := audit.changes(before, audit.values(round, times)):
            audit.log(
                round, "round.rescheduled", changes=changed, data={"told": len(seated)} if seated else {}
            )
        announce_after_commit(workshops=workshops)
    return round
