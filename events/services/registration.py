"""Registering attendees, changing their workshops, cancelling.

The event row serialises registrations (event capacity, one registration per e-mail address);
each workshop row serialises its seats (see events.services.seats).
"""

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import audit, badges, live, outbox
from events.errors import RegistrationError
from events.extras import save_extras
from events.models import (
    Booking,
    Delegation,
    DelegationInvitation,
    Event,
    InvitationCode,
    Municipality,
    Registration,
    Role,
    Round,
    Workshop,
    secret_hash,
)
from events.questions.services import asked_of, clean_answers, save_answers
from events.services.holds import HoldRequest, check_holds, make_holds
from events.services.seats import (
    announce_after_commit,
    announce_bookings_after_commit,
    book,
    calendar_changed,
    free_seats,
    in_calendar,
    lock_registration,
    lock_workshops,
    promote,
)

REFERENCE_PREFIX = "DLD-"
# No 0/O, 1/I: references are read out over the phone and typed from paper.
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_manage_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def new_badge_token() -> dict[str, str]:
    """A fresh token of the badge image, as Registration fields."""
    badge_token = new_manage_token()
    return {"badge_token": badge_token, "badge_token_hash": secret_hash(badge_token)}


def new_read_only_tokens() -> dict[str, str]:
    """Fresh tokens of the calendar feed and the badge image, as Registration fields."""
    calendar_token = new_manage_token()
    return {
        "calendar_token": calendar_token,
        "calendar_token_hash": secret_hash(calendar_token),
        **new_badge_token(),
    }


def save_changes(registration: Registration, changes: dict) -> None:
    """Set `changes` on a registration (locked by the caller) and save only those fields."""
    for field, value in changes.items():
        setattr(registration, field, value)
    registration.save(update_fields=[*changes, "updated_at"])


def give_missing_read_only_tokens() -> int:
    """Read-only tokens for registrations that have none: restored from a backup made before these
    tokens existed. Their mails carried the manage token in these links, so it keeps opening them."""
    given = 0
    missing = Registration.objects.filter(calendar_token="", erased_at__isnull=True)
    for pk in missing.values_list("pk", flat=True):
        given += Registration.objects.filter(pk=pk).update(
            **new_read_only_tokens(), manage_token_opens_feeds=True
        )
    return given


def renew_read_only_links(registration: Registration) -> Registration:
    """New calendar and badge image links (a feed shared too widely): the old ones answer 404 from
    now on, also the ones from before these links had tokens of their own (the manage token)."""
    with transaction.atomic():
        registration = lock_registration(registration, allow_cancelled=True)
        save_changes(registration, {**new_read_only_tokens(), "manage_token_opens_feeds": False})
        audit.log(registration, "registration.links_renewed")
    return registration


# The fields of a person an organiser may correct (the address is the attendee's own to change).
CORRECTABLE = ("first_name", "last_name", "role")


def correct_person(registration: Registration, *, first_name: str, last_name: str, role: str) -> Registration:
    """An organiser fixes a misspelt name or a wrong role (the desk, a phone call). The badge shows
    it on its next print; the trail keeps before and after, by whoever acts now (audit.acting).
    An empty name or an unknown role is refused as the registration form refuses it."""
    corrected = {"first_name": first_name.strip(), "last_name": last_name.strip(), "role": role}
    for field in ("first_name", "last_name"):
        if not corrected[field]:
            raise RegistrationError("name_required", _("Fill in the name."), field=field, status=422)
    if role not in Role.values:
        raise RegistrationError("unknown_role", _("Choose one of the roles."), field="role", status=422)
    with transaction.atomic():
        registration = lock_registration(registration)
        changed = audit.changes(audit.values(registration, CORRECTABLE), corrected)
        if not changed:
            return registration
        save_changes(registration, {field: corrected[field] for field in changed})
        audit.log(registration, "registration.corrected", changes=changed)
        announce_after_commit(registrations=[(registration.pk, "changed")])
    return registration


def unique_reference(model=Registration, prefix: str = REFERENCE_PREFIX, length: int = 4) -> str:
    """A short reference not yet used by a `model` row (registrations; delegations have their own)."""
    while True:
        reference = prefix + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))
        if not model.objects.filter(reference=reference).exists():
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


def _choice_change(before: Iterable[Workshop], after: Iterable[Workshop]) -> dict:
    """The trail's record of a new choice of workshops, by title in programme order."""

    def titles(workshops):
        return [workshop.title for workshop in sorted(workshops, key=lambda w: (w.round.starts_at, w.pk))]

    return audit.changes({"workshops": titles(before)}, {"workshops": titles(after)})


def code_problem(code: InvitationCode, now) -> RegistrationError | None:
    """Why the code opens nothing (any more), or None."""
    if code.valid_until is not None and now >= code.valid_until:
        return RegistrationError("code_expired", _("This code has expired."), field="code", status=422)
    if code.uses >= code.uses_allowed:
        return RegistrationError("code_used_up", _("This code has been used up."), field="code", status=422)
    return None


def make_invitation_code(
    *, event: Event, code: str, holds: Iterable[HoldRequest] = (), **fields
) -> InvitationCode:
    """An organiser's new code (stored in capitals by InvitationCode.save), perhaps holding back
    seats in workshops for its registrants (events.services.holds). A code that exists is
    `code_taken` (409); a hold that cannot be is a 422 on `holds`."""
    checked = check_holds(event, holds)
    try:
        with transaction.atomic():
            made = InvitationCode.objects.create(event=event, code=code, **fields)
            make_holds(made, checked)
            audit.log(
                made,
                "invitation_code.created",
                data={"uses_allowed": made.uses_allowed, **({"held": len(checked)} if checked else {})},
            )
            # The public's free seats went down in the workshops held.
            announce_after_commit(workshops=[workshop.pk for workshop, _request in checked])
    except IntegrityError as error:  # the unique index decides, also between two at once
        raise RegistrationError("code_taken", _("This code exists already."), field="code") from error
    return made


def use_code(code: InvitationCode, now) -> InvitationCode:
    """Count one use under the code's row lock (inside the registration's transaction: a
    registration that fails gives the use back)."""
    locked = InvitationCode.objects.select_for_update().get(pk=code.pk)
    if problem := code_problem(locked, now):
        raise problem
    InvitationCode.objects.filter(pk=locked.pk).update(uses=F("uses") + 1)
    locked.uses += 1
    return locked


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
    workshops: Iterable[Workshop] = (),
    by_organiser: bool = False,
    proven: bool = False,
    language: str = "",
    send_confirmation: bool = True,
    code: InvitationCode | None = None,
    delegation: Delegation | None = None,
    proven_by_coordinator: bool = False,
    answers: dict | None = None,
    **extras,
) -> tuple[Registration, str]:
    """Register one attendee and book (or waitlist) the chosen workshops.

    Returns the registration and its manage token (the private link). Organisers may register
    people outside the public registration window (late additions, imports); capacity holds for
    everyone. The address counts as proven when an organiser (`by_organiser`) or a paired desk
    (`proven`) registers the person, who is there or known; otherwise the confirmation carries a
    verification link (events.services.addresses). A proven address has one registration; an
    address that is not proven yet may be registered again (its owner decides by proving it), so
    that the answer tells a caller nothing about who else registered.
    `code`: an invitation code (events.InvitationCode), counted under its row lock: it may open
    registration after it closed or past the capacity, and may fix the role.
    `delegation`: the delegation the person is a member of (events.services.delegations). With
    `proven_by_coordinator` they get no verification link of their own: the coordinator's proves
    them, so they count as proven at once when the delegation's address is proven already.
    `answers`: to the organisers' questions, `{"<question id>": value}` (events.questions.services),
    checked for the role under the lock; None where the questions are not asked (the admin's add
    form, the desk), so nothing is required there.
    `extras`: the fields other apps add to a registration (events.extras), such as networking's
    `directory_opt_in`, `interests` and `talk_about`; each app stores its own in this transaction.
    """
    workshops = list(workshops)
    check_one_per_round(workshops)
    manage_token = new_manage_token()
    badge_secret = badges.new_secret()
    vouched = proven or by_organiser
    address_token = "" if (vouched or proven_by_coordinator) else secrets.token_urlsafe(16)
    now = timezone.now()
    if proven_by_coordinator:
        address_verified_at = now if delegation is not None and delegation.address_verified else None
    else:
        address_verified_at = None if address_token else now
    reference = unique_reference()  # a read, before the transaction (SQLite writes one at a time)
    try:
        with transaction.atomic():
            code = use_code(code, now) if code is not None else None
            if code is not None and code.role:
                role = code.role
            answered = clean_answers(event, role, answers) if answers is not None else {}
            # Everything that does not depend on the event's capacity is written before its lock,
            # so that the lock, which registrations line up behind, covers as little as possible.
            registration = Registration.objects.create(
                event=event,
                reference=reference,
                delegation=delegation,
                first_name=first_name,
                last_name=last_name,
                email=email,
                role=role,
                municipality=municipality,
                organisation=organisation,
                needs=needs,
                invitation_code=code,
                language=language or settings.LANGUAGE_CODE,
                privacy_accepted_at=now,
                badge_secret=badge_secret,
                badge_hash=secret_hash(badge_secret),
                manage_token=manage_token,
                manage_token_hash=secret_hash(manage_token),
                **new_read_only_tokens(),
                address_verified_at=address_verified_at,
                address_token_hash=secret_hash(address_token) if address_token else "",
            )
            save_extras(registration, extras)
            save_answers(registration, answered)
            # The choice, not its outcome (seat or waitlist): the trail and its webhooks need no lock.
            audit.log(registration, "registration.created", changes=_choice_change([], workshops))
            if send_confirmation:
                # Only the row: the sender renders the mail (QR, calendar, templates) after the
                # commit, outside the request unless EMAIL_DELIVERY is inline.
                outbox.queue(
                    "registration_confirmation",
                    to=email,
                    registration=registration,
                    context={"address_token": address_token} if address_token else {},
                )
            # NO KEY UPDATE: registrations line up behind each other, yet rows that merely refer to
            # the event (the rows above, an audit entry written under a workshop's lock) need not
            # wait for them. The event first, then the workshops (events.services.seats), as everywhere.
            locked_event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
            if (
                not by_organiser
                and not (code and code.opens_closed_registration)
                and not locked_event.registration_is_open(now)
            ):
                raise RegistrationError("registration_closed", _("Registration for this event is closed."))
            # Read under the lock, this registration's own row included.
            counts = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).aggregate(
                total=Count("id"), same_email=Count("id", filter=Q(email__iexact=email))
            )
            # Organisers and desks are told (they can look people up anyway); the public is not.
            if counts["same_email"] > 1 and vouched:
                raise RegistrationError(
                    "email_taken", _("This e-mail address is already registered."), field="email"
                )
            if counts["total"] > locked_event.capacity and not (code and code.opens_past_capacity):
                raise RegistrationError("event_full", _("The event is full."))
            locked = lock_workshops(workshop.pk for workshop in workshops)
            book(registration, [locked[workshop.pk] for workshop in workshops])
            # Under the event lock the new total is known: the dashboard's event needs no query.
            created = live.registration_event(registration, "created", counts["total"])
            announce_bookings_after_commit(messages=[(live.dashboard(event.pk), created)], workshops=locked)
    except IntegrityError as error:
        # The unique index is the last word if two requests for one e-mail slip past the check.
        if "registration_one_per_proven_email" in str(error):
            raise RegistrationError(
                "email_taken", _("This e-mail address is already registered."), field="email"
            ) from error
        raise
    return registration, manage_token


def change_workshops(registration: Registration, workshops: Iterable[Workshop]) -> list[Booking]:
    """Replace the attendee's choice: `workshops` is the complete new choice, one per round.

    A round whose choice is unchanged keeps its seat or waitlist place. A new choice gets a seat
    if one is free, else a place at the end of that workshop's waitlist; whoever has a seat in that
    round keeps it meanwhile and swaps when the new seat comes (`Booking.swap`). A seat given up
    goes at once to the first in line there.
    """
    workshops = list(workshops)
    check_one_per_round(workshops)
    with transaction.atomic():
        registration = lock_registration(registration)
        wanted = {workshop.round_id: workshop for workshop in workshops}
        held_before = list(registration.bookings.select_related("workshop__round"))
        changed = _changed_rounds(wanted, held_before)
        if not changed:
            return _bookings(registration)
        # The choice per round as it was (a place waiting to swap is the choice made there).
        chosen_before = {b.round_id: b.workshop for b in sorted(held_before, key=lambda b: b.swap)}
        involved = {workshop.pk for round_id, workshop in wanted.items() if round_id in changed}
        involved |= {booking.workshop_id for booking in held_before if booking.round_id in changed}
        locked = lock_workshops(involved, whole_rounds=True)
        # Read again under the workshop locks: a promotion may have given a waitlisted booking a seat.
        bookings = list(registration.bookings.filter(round_id__in=changed))
        seats = {b.round_id: b for b in bookings if not b.swap}
        swaps = {b.round_id: b for b in bookings if b.swap}
        dropped, new_seats, new_swaps = [], [], []
        for round_id in sorted(changed):
            seat, swap, choice = seats.get(round_id), swaps.get(round_id), wanted.get(round_id)
            if choice is not None and seat is not None and seat.workshop_id == choice.pk:
                dropped += [swap] if swap else []  # staying where they are
            elif choice is not None and swap is not None and swap.workshop_id == choice.pk:
                continue  # still waiting to swap to the same workshop
            elif choice is not None and _keeps_seat_while_waiting(registration, seat, locked[choice.pk]):
                dropped += [swap] if swap else []
                new_swaps.append(locked[choice.pk])
            else:
                dropped += [booking for booking in (seat, swap) if booking is not None]
                if choice is not None:
                    new_seats.append(locked[choice.pk])
        freed = {booking.workshop_id for booking in dropped if booking.status == Booking.Status.BOOKED}
        Booking.objects.filter(pk__in=[booking.pk for booking in dropped]).delete()
        book(registration, new_seats)
        book(registration, new_swaps, swap=True)
        calendar_changed([registration.pk])
        for workshop_id in sorted(freed):
            promote(locked[workshop_id], locked)
        audit.log(
            registration,
            "registration.workshops_changed",
            changes=_choice_change(chosen_before.values(), workshops),
        )
        # The mail's calendar file cancels what left the calendar (an import keeps it otherwise).
        outbox.queue(
            "registration_changed",
            to=registration.email,
            registration=registration,
            context={"dropped": in_calendar(dropped)},
        )
        announce_bookings_after_commit(registrations=[(registration.pk, "changed")], workshops=locked)
    return _bookings(registration)


def change_answers(registration: Registration, answers: dict) -> None:
    """The attendee's new answers through their private link: `answers` is the complete new set for
    the questions their role is asked (checked as when registering). The trail records that they
    changed, not what they say: it outlives an erasure's answers."""
    with transaction.atomic():
        registration = lock_registration(registration)
        answered = clean_answers(registration.event, registration.role, answers)
        registration.answers.filter(question__in=asked_of(registration.event, registration.role)).delete()
        save_answers(registration, answered)
        audit.log(registration, "registration.answers_changed", data={"answers": len(answered)})


def change_registration(
    registration: Registration, *, workshops: Iterable[Workshop] | None = None, answers: dict | None = None
) -> None:
    """The attendee's change through the API: new answers, a new choice of workshops, or both, in
    one transaction. The answers go first, so an answer that does not fit (InvalidInput) leaves the
    workshops untouched too; a refused workshop change takes the new answers back with it."""
    with transaction.atomic():
        if answers is not None:
            change_answers(registration, answers)
        if workshops is not None:
            change_workshops(registration, workshops)


def _changed_rounds(wanted: dict[int, Workshop], bookings: list[Booking]) -> set[int]:
    """Rounds where the new choice differs from what the registration holds (a waitlist place to
    swap to counts as the choice made in its round)."""
    held: dict[int, int] = {}
    for booking in sorted(bookings, key=lambda booking: booking.swap):
        held[booking.round_id] = booking.workshop_id  # a swap place overrides the seat
    rounds = set(wanted) | set(held)
    return {r for r in rounds if (wanted[r].pk if r in wanted else None) != held.get(r)}


def _keeps_seat_while_waiting(registration: Registration, seat: Booking | None, choice: Workshop) -> bool:
    """Choosing a full workshop does not give up a seat in that round: the attendee waits to swap."""
    if seat is None or seat.status != Booking.Status.BOOKED or not choice.is_bookable:
        return False
    return free_seats(choice, registration) == 0


def _bookings(registration: Registration) -> list[Booking]:
    return list(registration.bookings.select_related("workshop").order_by("round__starts_at", "swap"))


def cancel_registration(
    registration: Registration, *, replaced_by: Registration | None = None
) -> Registration:
    """Cancel a whole registration: every seat is freed and given to the next in line at once.
    `replaced_by`: the registration whose proven address took this one's place (said in the mail)."""
    with transaction.atomic():
        registration = lock_registration(registration, allow_cancelled=True)
        if not registration.is_confirmed:
            return registration
        bookings = list(registration.bookings.all())
        locked = lock_workshops((booking.workshop_id for booking in bookings), whole_rounds=True)
        freed = {booking.workshop_id for booking in bookings if booking.status == Booking.Status.BOOKED}
        plenary = Workshop.objects.filter(
            round__event_id=registration.event_id, round__kind=Round.Kind.PLENARY
        )
        dropped = [*plenary.values_list("pk", flat=True), *in_calendar(bookings)]
        registration.bookings.all().delete()
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        # A delegation's invitation to join is void once the person is not coming.
        DelegationInvitation.objects.filter(
            registration=registration, answered_at__isnull=True, expired_at__isnull=True
        ).update(expired_at=registration.cancelled_at)
        calendar_changed([registration.pk])
        for workshop_id in sorted(freed):
            promote(locked[workshop_id], locked)
        audit.log(
            registration,
            "registration.cancelled",
            changes={"status": [Registration.Status.CONFIRMED, Registration.Status.CANCELLED]},
        )
        outbox.queue(
            "registration_cancelled",
            to=registration.email,
            registration=registration,
            context={
                "dropped": dropped,
                "had_seats": bool(freed),
                **({"replaced_by": replaced_by.reference} if replaced_by else {}),
            },
        )
        announce_bookings_after_commit(registrations=[(registration.pk, "cancelled")], workshops=locked)
    return registration
