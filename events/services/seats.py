"""Seats and waitlists under row locks: the pieces every change of bookings is built from.

Locks are always taken in the same order (the registration, then workshops by id), so two changes
never wait for each other crosswise. Everything here runs inside the caller's transaction.
"""

from collections.abc import Iterable
from functools import partial

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from events import live, outbox
from events.errors import RegistrationError
from events.models import Booking, Registration, Workshop, WorkshopHold, held_seats
from events.webpush import push


def lock_registration(registration: Registration, *, allow_cancelled: bool = False) -> Registration:
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if not allow_cancelled and not locked.is_confirmed:
        raise RegistrationError("registration_cancelled", _("This registration has been cancelled."))
    return locked


def lock_workshops(ids: Iterable[int], *, whole_rounds: bool = False) -> dict[int, Workshop]:
    """Lock workshop rows in id order, so two changes never wait for each other crosswise.

    `whole_rounds`: every workshop of their rounds too. A change that frees a seat needs it: the
    seat may go to someone waiting to swap, whose seat elsewhere in the round frees in turn."""
    ids = set(ids)
    if whole_rounds and ids:
        rounds = Workshop.objects.filter(pk__in=ids).values("round_id")
        ids |= set(Workshop.objects.filter(round_id__in=rounds).values_list("pk", flat=True))
    if not ids:
        return {}
    workshops = (
        Workshop.objects.select_for_update(of=("self",))
        .select_related("round", "room")
        .filter(pk__in=sorted(ids))
        .order_by("pk")
    )
    return {workshop.pk: workshop for workshop in workshops}


def booked_counts(workshop_ids: Iterable[int]) -> dict[int, int]:
    """Seats taken per workshop (workshops without any are left out)."""
    return dict(
        Booking.objects.filter(workshop_id__in=list(workshop_ids), status=Booking.Status.BOOKED)
        .values_list("workshop_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def free_seats(workshop: Workshop, registration: Registration | None = None) -> int:
    """The seats of a (locked) workshop this registration may take; None: anyone of the public.

    Its capacity less the booked seats and the seats held back for invitation codes (WorkshopHold)
    and not used yet, except the hold of the registration's own code: those are free to it. The
    workshop's row lock serialises its bookings, so the answer holds until the transaction ends."""
    code_id = registration.invitation_code_id if registration is not None else None
    held = Workshop.objects.filter(pk=workshop.pk).values_list(held_seats(code_id), flat=True).get()
    return max(workshop.capacity - booked_counts([workshop.pk]).get(workshop.pk, 0) - held, 0)


def book(registration: Registration, workshops: list[Workshop], *, swap: bool = False) -> list[Booking]:
    """Seat the registration in each (locked) workshop, or waitlist it when the room is full.
    `swap`: places in full workshops to swap to, beside the seat the registration keeps."""
    if not workshops:
        return []
    for workshop in workshops:
        if not workshop.is_bookable:
            raise RegistrationError(
                "workshop_unavailable", _("This workshop cannot be booked."), field="workshops", status=422
            )
    free = {} if swap else free_seats_in(workshops, registration)
    bookings = [
        Booking(
            registration=registration,
            workshop=workshop,
            round=workshop.round,
            status=Booking.Status.BOOKED if free.get(workshop.pk, 0) > 0 else Booking.Status.WAITLISTED,
            swap=swap,
        )
        for workshop in workshops
    ]
    return Booking.objects.bulk_create(bookings)


def free_seats_in(workshops: list[Workshop], registration: Registration) -> dict[int, int]:
    """`free_seats` of several (locked) workshops in one query. Its statement is built by the ORM
    once per shape and process: building it (the holds' subqueries) cost more CPU than running it,
    in every registration (bench/README.md, "Where the time goes")."""
    ids = sorted({workshop.pk for workshop in workshops})
    code_id = registration.invitation_code_id
    key = (connection.vendor, len(ids), code_id is not None)
    if key not in _FREE_SEATS_SQL:
        stand_ins = [_STAND_IN - number for number in range(len(ids))]
        query = _free_seats_query(stand_ins, _STAND_IN_CODE if code_id is not None else None)
        _FREE_SEATS_SQL[key] = query.query.sql_with_params()
    sql, template = _FREE_SEATS_SQL[key]
    values = {_STAND_IN - number: pk for number, pk in enumerate(ids)} | {_STAND_IN_CODE: code_id}
    params = [values.get(param, param) if type(param) is int else param for param in template]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {pk: max(capacity - n_booked - n_held, 0) for pk, capacity, n_booked, n_held in rows}


# Values no row has, in the statement built once, replaced by the real ones in each call.
_STAND_IN = -(10**15)
_STAND_IN_CODE = _STAND_IN - 10**6
_FREE_SEATS_SQL: dict[tuple[str, int, bool], tuple[str, tuple]] = {}


def _free_seats_query(workshop_ids: list[int], code_id: int | None):
    booked = (
        Booking.objects.filter(workshop_id=OuterRef("pk"), status=Booking.Status.BOOKED)
        .order_by()
        .values("workshop_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Workshop.objects.filter(pk__in=workshop_ids)
        .annotate(
            n_booked=Coalesce(Subquery(booked), 0, output_field=IntegerField()),
            n_held=held_seats(code_id),
        )
        .values_list("pk", "capacity", "n_booked", "n_held")
    )


def promote(workshop: Workshop, locked: dict[int, Workshop]) -> list[Booking]:
    """Give the free seats of a locked workshop to the first in its waitlist, and tell them.

    Someone first in line who waits to swap gets the seat and gives up their seat elsewhere in the
    round, which goes to the first in line there in turn: `locked` must hold the whole round
    (`lock_workshops(..., whole_rounds=True)`)."""
    if workshop.status != Workshop.Status.SCHEDULED:
        return []
    promoted = []
    while (first := next_in_line(workshop)) is not None:
        given_up = None
        if first.swap:
            given_up = Booking.objects.filter(
                registration_id=first.registration_id, round_id=first.round_id, swap=False
            ).first()
            if given_up is not None:
                given_up.delete()
        Booking.objects.filter(pk=first.pk).update(status=Booking.Status.BOOKED, swap=False)
        first.status, first.swap = Booking.Status.BOOKED, False
        calendar_changed([first.registration_id])
        promoted.append(first)
        if given_up is None:
            tell("seat_granted", [first])
            continue
        dropped = in_calendar([given_up])
        tell("seat_swapped", [first], given_up=given_up.workshop_id, dropped=dropped)
        if given_up.status == Booking.Status.BOOKED:
            promoted += promote(locked[given_up.workshop_id], locked)
    return promoted


def next_in_line(workshop: Workshop) -> Booking | None:
    """The first in a locked workshop's waitlist who may take one of its free seats: the first of
    all while the public has one, else the first whose invitation code holds a seat there."""
    waiting = (
        workshop.bookings.filter(status=Booking.Status.WAITLISTED)
        .select_related("registration")
        .order_by("created_at", "pk")
    )
    if free_seats(workshop) > 0:
        return waiting.first()
    holding = WorkshopHold.objects.open().with_left().filter(workshop=workshop, left__gt=0)
    # Holds may promise more than the seats left (public bookings came first): ask for each one.
    for candidate in waiting.filter(registration__invitation_code__in=holding.values("code_id")):
        if free_seats(workshop, candidate.registration) > 0:
            return candidate
    return None


def settle_swaps(round_ids: Iterable[int]) -> None:
    """A waitlist place to swap to without a booking left to swap from (the workshop moved to
    another round) is an ordinary waitlist place."""
    for swap in Booking.objects.filter(round_id__in=list(round_ids), swap=True):
        if not Booking.objects.filter(
            registration_id=swap.registration_id, round_id=swap.round_id, swap=False
        ).exists():
            Booking.objects.filter(pk=swap.pk).update(swap=False)


def calendar_changed(registration_ids: Iterable[int]) -> None:
    """These attendees' own calendar items changed: their next calendar outranks the last one."""
    Registration.objects.filter(pk__in=list(registration_ids)).update(
        calendar_sequence=F("calendar_sequence") + 1
    )


def in_calendar(bookings: Iterable[Booking]) -> list[int]:
    """The workshops of these bookings that are in the attendee's calendar (a seat, or a workshop
    the organisers cancelled, shown as cancelled); a waitlist place is not."""
    return [
        booking.workshop_id
        for booking in bookings
        if booking.status in (Booking.Status.BOOKED, Booking.Status.WORKSHOP_CANCELLED)
    ]


def tell(kind: str, bookings: Iterable[Booking], **context) -> None:
    """Queue an e-mail of `kind` about each booking's workshop to its attendee (and, for a workshop's
    news, a push to their phones: events.webpush.push)."""
    bookings = list(bookings)
    push.workshop_news(kind, bookings, context)
    for booking in bookings:
        outbox.queue(
            kind,
            to=booking.registration.email,
            registration=booking.registration,
            context={"workshop": booking.workshop_id, **context},
        )


def announce_after_commit(
    *,
    registrations: Iterable[tuple[int, str]] = (),
    workshops=(),
    messages: Iterable[tuple[str, dict]] = (),
    promptly: bool = True,
) -> None:
    """Publish the changes once the transaction commits (never a change that was rolled back):
    `messages` as they are, events for `registrations` and `workshops` built after the commit.
    The workshops' events go out at once (a workshop moved, cancelled or held), or with
    `promptly=False` in the next batch (see announce_bookings_after_commit).

    The workshops' revision is raised with the change (see Workshop.revision); their rows are
    locked in id order first, as everywhere, in the same statement."""
    workshop_ids = sorted(set(workshops))
    if workshop_ids:
        in_order = Workshop.objects.filter(pk__in=workshop_ids).order_by("pk").select_for_update()
        Workshop.objects.filter(pk__in=in_order.values("pk")).update(revision=F("revision") + 1)
    transaction.on_commit(
        partial(live.publish_changes, list(messages), list(registrations), workshop_ids, promptly=promptly)
    )


def announce_bookings_after_commit(
    *,
    registrations: Iterable[tuple[int, str]] = (),
    workshops=(),
    messages: Iterable[tuple[str, dict]] = (),
) -> None:
    """announce_after_commit for a change of bookings only (a registration, a choice changed or
    cancelled): the workshops' seat counts may wait for the next batch (events.live.WorkshopNews),
    which a rush of registrations shares."""
    announce_after_commit(registrations=registrations, workshops=workshops, messages=messages, promptly=False)
