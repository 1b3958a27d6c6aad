"""State changes of the event: registrations, their workshop bookings and waitlists, and the
organisers' changes to the programme.

Capacity is decided in the database under row locks: the event row serialises registrations
(event capacity, one registration per e-mail), each workshop row serialises its seats. Locks
are always taken in the same order (registration, then workshops by id) so changes never
deadlock. Live events and e-mails go out only after the transaction commits.
"""

import json
import secrets
from collections import Counter
from collections.abc import Iterable
from functools import partial

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import badges, live, mail
from events.errors import RegistrationError, WorkshopError
from events.models import (
    Booking,
    Event,
    Municipality,
    OutboundEmail,
    Registration,
    Room,
    Round,
    Workshop,
    secret_hash,
)
from events.schemas import registration_event, registration_message, workshop_messages
from events.signals import event_purged, registration_erased

REFERENCE_PREFIX = "DLD-"
# No 0/O, 1/I: references are read out over the phone and typed from paper.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_manage_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def _unique_reference() -> str:
    while True:
        reference = REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))
        if not Registration.objects.filter(reference=reference).exists():
            return reference


def check_one_per_round(workshops: Iterable[Workshop]) -> None:
    seen: set[int] = set()
    for workshop in workshops:
        if workshop.round_id in seen:
            raise RegistrationError(
                "two_workshops_in_round",
                _("Choose at most one workshop per round."),
                field="workshops",
                status=422,
            )
        seen.add(workshop.round_id)


def register(
    *,
    event: Event,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    municipality: Municipality | None = None,
    organisation: str = "",
    needs: str = "",
    directory_opt_in: bool = False,
    interests: Iterable[str] = (),
    talk_about: str = "",
    workshops: Iterable[Workshop] = (),
    by_organiser: bool = False,
    send_confirmation: bool = True,
) -> tuple[Registration, str]:
    """Register one attendee and book (or waitlist) the chosen workshops.

    Returns the registration and its manage token (the private link). Organisers may register people outside the public registration window (late additions,
    imports); capacity and the one-registration-per-e-mail rule hold for everyone.
    """
    workshops = list(workshops)
    check_one_per_round(workshops)
    manage_token = new_manage_token()
    badge_secret = badges.new_secret()
    now = timezone.now()
    try:
        with transaction.atomic():
            locked_event = Event.objects.select_for_update().get(pk=event.pk)
            if not by_organiser and not locked_event.registration_is_open(now):
                raise RegistrationError("registration_closed", _("Registration for this event is closed."))
            counts = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).aggregate(
                total=Count("id"), same_email=Count("id", filter=Q(email__iexact=email))
            )
            if counts["same_email"]:
                raise RegistrationError(
                    "email_taken", _("This e-mail address is already registered."), field="email"
                )
            if counts["total"] >= locked_event.capacity:
                raise RegistrationError("event_full", _("The event is full."))
            registration = Registration.objects.create(
                event=event,
                reference=_unique_reference(),
                first_name=first_name,
                last_name=last_name,
                email=email,
                role=role,
                municipality=municipality,
                organisation=organisation,
                needs=needs,
                directory_opt_in=directory_opt_in,
                directory_opt_in_at=now if directory_opt_in else None,
                # The profile only serves the directory: not kept for people who are not in it.
                interests=list(interests) if directory_opt_in else [],
                talk_about=talk_about if directory_opt_in else "",
                privacy_accepted_at=now,
                badge_secret=badge_secret,
                badge_hash=secret_hash(badge_secret),
                manage_token=manage_token,
                manage_token_hash=secret_hash(manage_token),
            )
            locked = _lock_workshops(workshop.pk for workshop in workshops)
            _book(registration, [locked[workshop.pk] for workshop in workshops])
            if send_confirmation:
                mail.queue("registration_confirmation", to=email, registration=registration)
            # Under the event lock the new total is known: the dashboard's event needs no query.
            created = registration_event(registration, "created", counts["total"] + 1)
            _announce_after_commit(messages=[(live.DASHBOARD, created)], workshops=locked)
    except IntegrityError as error:
        # The unique index is the last word if two requests for one e-mail slip past the check.
        if "registration_one_per_email" in str(error):
            raise RegistrationError(
                "email_taken", _("This e-mail address is already registered."), field="email"
            ) from error
        raise
    return registration, manage_token


def change_workshops(registration: Registration, workshops: Iterable[Workshop]) -> list[Booking]:
    """Replace the attendee's choice: `workshops` is the complete new choice, one per round.

    A round whose choice is unchanged keeps its seat or waitlist place. A new choice gets a seat
    if one is free, else the end of that workshop's waitlist; a seat given up goes at once to the
    first in line there.
    """
    workshops = list(workshops)
    check_one_per_round(workshops)
    with transaction.atomic():
        registration = _lock_registration(registration)
        wanted = {workshop.round_id: workshop for workshop in workshops}
        current = {booking.round_id: booking for booking in registration.bookings.all()}
        changed_rounds = {
            round_id
            for round_id in set(wanted) | set(current)
            if round_id not in wanted
            or round_id not in current
            or current[round_id].workshop_id != wanted[round_id].pk
        }
        if not changed_rounds:
            return list(registration.bookings.select_related("workshop").order_by("round__starts_at"))
        involved = {current[r].workshop_id for r in changed_rounds if r in current}
        involved |= {wanted[r].pk for r in changed_rounds if r in wanted}
        locked = _lock_workshops(involved)
        # Re-read under the workshop locks: a promotion may have given a waitlisted booking a seat.
        dropped = list(registration.bookings.filter(round_id__in=changed_rounds))
        freed = {booking.workshop_id for booking in dropped if booking.status == Booking.Status.BOOKED}
        Booking.objects.filter(pk__in=[booking.pk for booking in dropped]).delete()
        _book(registration, [locked[wanted[r].pk] for r in changed_rounds if r in wanted])
        for workshop_id in sorted(freed):
            _promote(locked[workshop_id])
        mail.queue("registration_changed", to=registration.email, registration=registration)
        _announce_after_commit(registrations=[(registration.pk, "changed")], workshops=locked)
    return list(registration.bookings.select_related("workshop").order_by("round__starts_at"))


def cancel_registration(registration: Registration) -> Registration:
    """Cancel a whole registration: every seat is freed and given to the next in line at once."""
    with transaction.atomic():
        registration = _lock_registration(registration, allow_cancelled=True)
        if not registration.is_confirmed:
            return registration
        bookings = list(registration.bookings.all())
        locked = _lock_workshops(booking.workshop_id for booking in bookings)
        freed = {booking.workshop_id for booking in bookings if booking.status == Booking.Status.BOOKED}
        registration.bookings.all().delete()
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        for workshop_id in sorted(freed):
            _promote(locked[workshop_id])
        mail.queue("registration_cancelled", to=registration.email, registration=registration)
        _announce_after_commit(registrations=[(registration.pk, "cancelled")], workshops=locked)
    return registration


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
        workshop = _lock_workshops([workshop.pk])[workshop.pk]
        if workshop.status == Workshop.Status.CANCELLED:
            raise WorkshopError("workshop_cancelled", _("This workshop has been cancelled."))
        new_room = room or workshop.room
        new_round = round or workshop.round
        new_capacity = workshop.capacity if capacity is None else capacity
        moved_time = new_round.pk != workshop.round_id
        moved_room = new_room.pk != workshop.room_id
        released: list[Booking] = []
        if moved_time:
            released = list(
                workshop.bookings.select_related("registration").filter(
                    registration__bookings__round=new_round
                )
            )
            workshop.bookings.filter(pk__in=[booking.pk for booking in released]).delete()
        check_workshop_change(workshop, room=new_room, round=new_round, capacity=new_capacity)
        if moved_time:
            workshop.bookings.update(round=new_round)
        workshop.room, workshop.round, workshop.capacity = new_room, new_round, new_capacity
        workshop.sequence += 1
        workshop.save(update_fields=["room", "round", "capacity", "sequence", "updated_at"])
        promoted = _promote(workshop)
        if moved_time or moved_room:
            seated = workshop.bookings.filter(status=Booking.Status.BOOKED).select_related("registration")
            _tell("workshop_changed", [booking for booking in seated if booking not in promoted])
        _tell("workshop_moved_away", released)
        _announce_after_commit(workshops={workshop.pk: workshop})
    return workshop


def cancel_workshop(workshop: Workshop) -> Workshop:
    """Cancel a workshop: everyone on it is told and may choose again in that round."""
    with transaction.atomic():
        workshop = _lock_workshops([workshop.pk])[workshop.pk]
        if workshop.status == Workshop.Status.CANCELLED:
            return workshop
        affected = list(
            workshop.bookings.filter(
                status__in=[Booking.Status.BOOKED, Booking.Status.WAITLISTED]
            ).select_related("registration")
        )
        workshop.bookings.filter(pk__in=[booking.pk for booking in affected]).update(
            status=Booking.Status.WORKSHOP_CANCELLED
        )
        workshop.status = Workshop.Status.CANCELLED
        workshop.sequence += 1
        workshop.save(update_fields=["status", "sequence", "updated_at"])
        _tell("workshop_cancelled", affected)
        _announce_after_commit(workshops={workshop.pk: workshop})
    return workshop


def workshops_details_changed(workshops: Iterable[Workshop]) -> None:
    """Title, description, speakers or room name were edited: calendars must see a new SEQUENCE."""
    ids = [workshop.pk for workshop in workshops]
    with transaction.atomic():
        Workshop.objects.filter(pk__in=ids).update(sequence=F("sequence") + 1, updated_at=timezone.now())
        _announce_after_commit(workshops=ids)


def reschedule_round(round: Round, *, starts_at, ends_at) -> Round:
    """New times for a whole round: every workshop in it moves, so calendars and attendees follow."""
    if ends_at <= starts_at:
        raise WorkshopError(
            "round_ends_before_start", _("A round must end after it starts."), field="ends_at", status=422
        )
    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round.pk)
        round.starts_at, round.ends_at = starts_at, ends_at
        round.save(update_fields=["starts_at", "ends_at"])
        workshops = _lock_workshops(round.workshops.values_list("pk", flat=True))
        Workshop.objects.filter(pk__in=list(workshops)).update(
            sequence=F("sequence") + 1, updated_at=timezone.now()
        )
        seated = Booking.objects.filter(workshop__in=list(workshops), status=Booking.Status.BOOKED)
        _tell("workshop_changed", seated.select_related("registration"))
        _announce_after_commit(workshops=workshops)
    return round


def _lock_registration(registration: Registration, *, allow_cancelled: bool = False) -> Registration:
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if not allow_cancelled and not locked.is_confirmed:
        raise RegistrationError("registration_cancelled", _("This registration has been cancelled."))
    return locked


def _lock_workshops(ids: Iterable[int]) -> dict[int, Workshop]:
    """Lock workshop rows in id order, so two changes never wait for each other crosswise."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    workshops = (
        Workshop.objects.select_for_update(of=("self",))
        .select_related("round", "room")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    return {workshop.pk: workshop for workshop in workshops}


def _booked(workshop_ids: Iterable[int]) -> dict[int, int]:
    return dict(
        Booking.objects.filter(workshop_id__in=list(workshop_ids), status=Booking.Status.BOOKED)
        .values_list("workshop_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def _book(registration: Registration, workshops: list[Workshop]) -> list[Booking]:
    """Seat the registration in each (locked) workshop, or waitlist it when the room is full."""
    if not workshops:
        return []
    taken = _booked(workshop.pk for workshop in workshops)
    bookings = []
    for workshop in workshops:
        if not workshop.is_bookable:
            raise RegistrationError(
                "workshop_unavailable", _("This workshop cannot be booked."), field="workshops", status=422
            )
        seat_free = taken.get(workshop.pk, 0) < workshop.capacity
        bookings.append(
            Booking(
                registration=registration,
                workshop=workshop,
                round=workshop.round,
                status=Booking.Status.BOOKED if seat_free else Booking.Status.WAITLISTED,
            )
        )
    return Booking.objects.bulk_create(bookings)


def _promote(workshop: Workshop) -> list[Booking]:
    """Give free seats of a locked workshop to the first in its waitlist, and tell them."""
    free = workshop.capacity - _booked([workshop.pk]).get(workshop.pk, 0)
    if free <= 0 or workshop.status != Workshop.Status.SCHEDULED:
        return []
    promoted = list(
        workshop.bookings.filter(status=Booking.Status.WAITLISTED)
        .select_related("registration")
        .order_by("created_at", "pk")[:free]
    )
    Booking.objects.filter(pk__in=[booking.pk for booking in promoted]).update(status=Booking.Status.BOOKED)
    for booking in promoted:
        booking.status = Booking.Status.BOOKED
    _tell("seat_granted", promoted)
    return promoted


def _tell(kind: str, bookings: Iterable[Booking]) -> None:
    """Queue an e-mail of `kind` about each booking's workshop to its attendee."""
    for booking in bookings:
        mail.queue(
            kind,
            to=booking.registration.email,
            registration=booking.registration,
            context={"workshop": booking.workshop_id},
        )


def _announce_after_commit(
    *, registrations: Iterable[tuple[int, str]] = (), workshops=(), messages: Iterable[tuple[str, dict]] = ()
) -> None:
    """Publish the changes once the transaction commits (never a change that was rolled back):
    `messages` as they are, events for `registrations` and `workshops` built after the commit."""
    transaction.on_commit(partial(_announce, list(messages), list(registrations), sorted(set(workshops))))


def _announce(
    messages: list[tuple[str, dict]], registrations: list[tuple[int, str]], workshop_ids: list[int]
) -> None:
    live.publish_batch(
        messages
        + [
            (live.DASHBOARD, registration_message(registration_id, action))
            for registration_id, action in registrations
        ]
        + [((live.PROGRAMME, live.DASHBOARD), message) for message in workshop_messages(workshop_ids)]
    )


def book_walk_in(registration: Registration, workshop: Workshop) -> Booking:
    """Seat someone who walks up to a workshop's door without a booking, if a seat is free.

    The workshop rows are locked, so concurrent walk-ins never fill more seats than there are. The
    registration's other booking in the same round (a seat or a waitlist place elsewhere) is
    replaced by this one, one booking per round; a seat it gives up goes to that workshop's
    waitlist at once.
    """
    with transaction.atomic():
        before = Booking.objects.filter(registration=registration, round_id=workshop.round_id).first()
        locked = _lock_workshops([workshop.pk] + ([before.workshop_id] if before else []))
        target = locked[workshop.pk]
        if not (target.allow_walk_ins and target.is_bookable and registration.is_confirmed):
            raise RegistrationError("walk_in_not_allowed", _("This workshop takes no walk-ins."))
        current = Booking.objects.filter(registration=registration, round=target.round).first()
        if (
            current is not None
            and current.workshop_id == target.pk
            and current.status == Booking.Status.BOOKED
        ):
            return current
        if _booked([target.pk]).get(target.pk, 0) >= target.capacity:
            raise RegistrationError("workshop_full", _("This workshop is full."))
        freed = None
        if current is not None:
            if current.status == Booking.Status.BOOKED and current.workshop_id != target.pk:
                freed = current.workshop_id
            current.delete()
        booking = Booking.objects.create(
            registration=registration, workshop=target, round=target.round, status=Booking.Status.BOOKED
        )
        if freed in locked:
            _promote(locked[freed])
        _announce_after_commit(registrations=[(registration.pk, "changed")], workshops=locked)
    return booking


# Erasure and retention (AVG art. 17 and 5(1)(e)).

# What an erased registration is called wherever it still shows up (counts, the scan log).
ERASED_NAME = "Gewist"


def erased_email(pk: int) -> str:
    """A unique placeholder that is not an address (.invalid never resolves, RFC 2606)."""
    return f"erased-{pk}@invalid"


def erase_registration(registration: Registration) -> Counter:
    """Erase what is held about one attendee; what remains is an anonymous row for the statistics.

    Up to and on the day of the event a confirmed registration is cancelled first, so that its seats
    go to the waitlists at once; after the event it keeps its status, so attendance figures stay as
    they were. The row keeps its role, status and times (counts by role, check-ins per workshop).
    Everything else is replaced: name, e-mail address, municipality and organisation (role and
    municipality together can point to one person, such as the mayor), needs, the directory
    profile, the reference, and both secrets, so the private link and the badge stop working.
    Outbox rows for this registration are deleted (addresses and secrets in their context), and
    the admin log forgets the name. Checkin and networking remove their own data through
    events.signals.registration_erased, in this same transaction.

    Returns what was removed, by kind; an empty Counter when the registration was erased before.
    """
    with transaction.atomic():
        registration = _lock_registration(registration, allow_cancelled=True)
        if registration.erased_at is not None:
            return Counter()
        if registration.is_confirmed and registration.event.date >= timezone.localdate():
            # No cancellation e-mail: it is deleted with the rest of the outbox rows below.
            registration = cancel_registration(registration)
        email, full_name, reference = registration.email, registration.full_name, registration.reference
        removed = Counter(registrations=1)
        for _receiver, counts in registration_erased.send(
            sender=Registration, registration=registration, email=email
        ):
            removed.update(counts or {})
        removed["emails"] += OutboundEmail.objects.filter(registration=registration).delete()[0]
        badge_secret, manage_token = badges.new_secret(), new_manage_token()
        changes = {
            "first_name": ERASED_NAME,
            "last_name": "",
            "email": erased_email(registration.pk),
            "municipality": None,
            "organisation": "",
            "needs": "",
            "directory_opt_in": False,
            "interests": [],
            "talk_about": "",
            "reference": _unique_reference(),
            "badge_secret": badge_secret,
            "badge_hash": secret_hash(badge_secret),
            "manage_token": manage_token,
            "manage_token_hash": secret_hash(manage_token),
            "erased_at": timezone.now(),
        }
        for field, value in changes.items():
            setattr(registration, field, value)
        registration.save(update_fields=[*changes, "updated_at"])
        scrub_admin_log(
            Registration,
            [registration.pk],
            {full_name: ERASED_NAME, reference: registration.reference, email: registration.email},
        )
    return removed


def scrub_admin_log(model: type[models.Model], object_ids: Iterable, replacements: dict[str, str]) -> int:
    """Replace texts (names, addresses) in the admin's history of these objects. The history keeps
    each object's name as it was then, and the names of inline rows added or changed with it."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in object_ids]
    )
    changed = 0
    for entry in entries:
        object_repr, change_message = entry.object_repr, entry.change_message
        for old, new in replacements.items():
            if not old:
                continue
            object_repr = object_repr.replace(old, new)
            # Change messages are JSON, where non-ASCII letters appear escaped.
            for text, replacement in ((old, new), (json.dumps(old)[1:-1], json.dumps(new)[1:-1])):
                change_message = change_message.replace(text, replacement)
        if (object_repr, change_message) != (entry.object_repr, entry.change_message):
            LogEntry.objects.filter(pk=entry.pk).update(
                object_repr=object_repr, change_message=change_message
            )
            changed += 1
    return changed


def purge_event(event: Event) -> Counter:
    """Retention: erase every registration of an event that is over, then let the other apps remove
    the event's personal data that belongs to no registration (municipality signup contacts).
    Each registration is erased in its own transaction, so an interrupted purge simply continues
    where it stopped when it runs again; erased rows are skipped."""
    if event.date >= timezone.localdate():
        raise ValueError(f"{event.slug} has not taken place yet: its registrations are still needed")
    removed = Counter()
    for registration in Registration.objects.filter(event=event, erased_at__isnull=True).select_related(
        "event"
    ):
        removed.update(erase_registration(registration))
    with transaction.atomic():
        for _receiver, counts in event_purged.send(sender=Event, event=event):
            removed.update(counts or {})
    return removed
