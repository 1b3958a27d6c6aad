"""State changes of the event: registrations and their workshop bookings.

Capacity is decided in the database under row locks: the event row serialises registrations
(event capacity, one registration per e-mail), each workshop row serialises its seats.
Live events and e-mails go out only after the transaction commits.
"""

import secrets
from collections.abc import Iterable
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import badges, live, mail
from events.errors import RegistrationError
from events.models import Booking, Event, Municipality, Registration, Workshop, secret_hash
from events.schemas import registration_message, workshop_message

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
    workshops: Iterable[Workshop] = (),
    by_organiser: bool = False,
    send_confirmation: bool = True,
) -> tuple[Registration, str]:
    """Register one attendee and book (or waitlist) the chosen workshops.

    Returns the registration and its manage token; the token is stored only as a hash, so this
    is the one moment it exists in the clear (it goes into the confirmation e-mail).
    Organisers may register people outside the public registration window (late additions,
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
                privacy_accepted_at=now,
                badge_secret=badge_secret,
                badge_hash=secret_hash(badge_secret),
                manage_token_hash=secret_hash(manage_token),
            )
            _book(registration, workshops)
            if send_confirmation:
                mail.queue(
                    "registration_confirmation",
                    to=email,
                    registration=registration,
                    context={"manage_token": manage_token},
                )
            transaction.on_commit(
                partial(_announce, registration.pk, "created", [workshop.pk for workshop in workshops])
            )
    except IntegrityError as error:
        # The unique index is the last word if two requests for one e-mail slip past the check.
        if "registration_one_per_email" in str(error):
            raise RegistrationError(
                "email_taken", _("This e-mail address is already registered."), field="email"
            ) from error
        raise
    return registration, manage_token


def _book(registration: Registration, workshops: list[Workshop]) -> list[Booking]:
    """Seat the registration in each workshop, or put it on the waitlist when the room is full."""
    if not workshops:
        return []
    ids = sorted(workshop.pk for workshop in workshops)
    # Locked in id order, so two registrations never wait for each other's workshops crosswise.
    locked = list(
        Workshop.objects.select_for_update(of=("self",))
        .select_related("round")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    taken = dict(
        Booking.objects.filter(workshop_id__in=ids, status=Booking.Status.BOOKED)
        .values_list("workshop_id")
        .annotate(n=Count("id"))
    )
    bookings = []
    for workshop in locked:
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


def _announce(registration_id: int, action: str, workshop_ids: list[int]) -> None:
    live.publish(live.DASHBOARD, registration_message(registration_id, action))
    for workshop_id in workshop_ids:
        message = workshop_message(workshop_id)
        live.publish(live.PROGRAMME, message)
        live.publish(live.DASHBOARD, message)


def book_walk_in(registration: Registration, workshop: Workshop) -> Booking:
    """Seat someone who walks up to a workshop's door without a booking, if a seat is free.

    The workshop row is locked, so concurrent walk-ins never fill more seats than it has. The
    registration's other booking in the same round (a seat or a waitlist place elsewhere) is
    replaced by this one: one booking per round. The seat that frees up in the other workshop is
    released as it is; nobody is promoted from that workshop's waitlist here.
    """
    with transaction.atomic():
        locked = Workshop.objects.select_for_update(of=("self",)).select_related("round").get(pk=workshop.pk)
        if not (locked.allow_walk_ins and locked.is_bookable and registration.is_confirmed):
            raise RegistrationError("walk_in_not_allowed", _("This workshop takes no walk-ins."))
        current = Booking.objects.filter(registration=registration, round=locked.round).first()
        if (
            current is not None
            and current.workshop_id == locked.pk
            and current.status == Booking.Status.BOOKED
        ):
            return current
        taken = Booking.objects.filter(workshop=locked, status=Booking.Status.BOOKED).count()
        if taken >= locked.capacity:
            raise RegistrationError("workshop_full", _("This workshop is full."))
        freed = current.workshop_id if current is not None else None
        if current is None:
            booking = Booking.objects.create(
                registration=registration, workshop=locked, round=locked.round, status=Booking.Status.BOOKED
            )
        else:
            current.workshop = locked
            current.status = Booking.Status.BOOKED
            current.created_at = timezone.now()
            current.save(update_fields=["workshop", "status", "created_at"])
            booking = current
        changed = [locked.pk] + ([freed] if freed and freed != locked.pk else [])
        transaction.on_commit(partial(_announce, registration.pk, "changed", changed))
    return booking
