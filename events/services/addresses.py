"""Proven e-mail addresses: a registration's address counts once its owner opened the verification
link mailed to it. Until then the registration may not see what is found by address, another
registration may be made with the same address, and its seats are held only for a while.

Why: registering takes an address on the caller's word, so anyone could register with someone
else's. Only the mailbox proves it. Whoever proves the address takes over: any other registration
made with it is cancelled and its seats go to the waiting lists.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import ratelimit
from events import audit, outbox
from events.errors import RegistrationError
from events.models import Booking, Event, Registration, secret_hash
from events.services.registration import cancel_registration
from events.services.seats import (
    announce_bookings_after_commit,
    calendar_changed,
    in_calendar,
    lock_registration,
    lock_workshops,
    promote,
)


def new_address_token(registration: Registration) -> str:
    """A fresh one-time token for the verification link (128 bits); earlier links stop working.
    Only its hash is kept: the clear token travels in the outbox row of the mail that carries it."""
    token = secrets.token_urlsafe(16)
    Registration.objects.filter(pk=registration.pk).update(address_token_hash=secret_hash(token))
    registration.address_token_hash = secret_hash(token)
    return token


def registration_for_address_token(token: str) -> Registration:
    registration = (
        Registration.objects.select_related("event")
        .filter(address_token_hash=secret_hash(token), erased_at__isnull=True)
        .exclude(address_token_hash="")
        .first()
    )
    if registration is None:
        raise RegistrationError(
            "unknown_link", _("This confirmation link is not known or has been used."), status=404
        )
    return registration


def others_with_address(registration: Registration):
    """The other confirmed registrations of the event made with the same address."""
    return (
        Registration.objects.filter(
            event_id=registration.event_id,
            email__iexact=registration.email,
            status=Registration.Status.CONFIRMED,
            erased_at__isnull=True,
        )
        .exclude(pk=registration.pk)
        .order_by("created_at")
    )


def verify_address(token: str) -> tuple[Registration, list[Registration]]:
    """The owner of the address opened the link (and confirmed on the page): the registration is
    proven, and every other registration made with its address is cancelled (seats to the
    waitlists, each told by mail). Returns the registration and those it replaced."""
    return prove_address(registration_for_address_token(token))


def prove_address(registration: Registration) -> tuple[Registration, list[Registration]]:
    """The registration's address is proven (its owner's mailbox answered: a verification link, or
    the delegation link of a coordinator who attends too); see verify_address."""
    with transaction.atomic():
        # Every registration with the address, in id order: two links opened at once never deadlock.
        same_address = [registration.pk, *others_with_address(registration).values_list("pk", flat=True)]
        list(Registration.objects.select_for_update().filter(pk__in=same_address).order_by("pk"))
        registration = lock_registration(registration)
        replaced = []
        for other in others_with_address(registration):
            replaced.append(cancel_registration(other, replaced_by=registration))
        Registration.objects.filter(pk=registration.pk).update(
            address_verified_at=timezone.now(), address_token_hash=""
        )
        registration.refresh_from_db()
        audit.log(
            registration,
            "registration.address_verified",
            data={"replaced": len(replaced)} if replaced else {},
        )
    return registration, replaced


def send_links(event: Event, email: str) -> int:
    """ "Send my link again": one mail to the address with the private link of every registration
    made with it (and a new verification link where the address is not proven yet). Nothing is
    sent when there is none; the caller's answer is the same either way. Returns the number."""
    if not ratelimit.allowed("resend_address", email.strip().lower()):
        return 0  # a mailbox is not flooded; the caller hears the same answer
    registrations = list(
        Registration.objects.filter(
            event=event, email__iexact=email.strip(), erased_at__isnull=True
        ).order_by("created_at")
    )
    if not registrations:
        return 0
    with transaction.atomic():
        tokens = {
            str(registration.pk): new_address_token(registration)
            for registration in registrations
            if registration.is_confirmed and not registration.address_verified
        }
        outbox.queue(
            "registration_links",
            to=registrations[-1].email,
            registration=registrations[-1],
            context={"registrations": [r.pk for r in registrations], "address_tokens": tokens},
        )
    return len(registrations)


def resend_confirmation(registration: Registration) -> bool:
    """The confirmation mail once more, as an organiser resends it to someone who lost it: the same
    mail (badge, private link, calendar), with a fresh verification link while the address is not
    proven. Nothing for a cancelled or erased registration; returns whether a mail was queued."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not registration.is_confirmed or registration.erased_at is not None:
            return False
        context = {} if registration.address_verified else {"address_token": new_address_token(registration)}
        outbox.queue(
            "registration_confirmation", to=registration.email, registration=registration, context=context
        )
        audit.log(registration, "registration.confirmation_resent")
    return True


def resend_link(registration: Registration) -> bool:
    """An organiser sends someone their private link again ("Send my link again" for one
    registration, not held to the limit per address): with a fresh verification link while the
    address is not proven. Nothing for a cancelled or erased registration; returns whether a mail
    was queued."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not registration.is_confirmed or registration.erased_at is not None:
            return False
        tokens = (
            {} if registration.address_verified else {str(registration.pk): new_address_token(registration)}
        )
        outbox.queue(
            "registration_links",
            to=registration.email,
            registration=registration,
            context={"registrations": [registration.pk], "address_tokens": tokens},
        )
        audit.log(registration, "registration.link_resent")
    return True


def proof_deadline(registration: Registration):
    """Until when an unproven registration holds its seats; None when they are held without limit."""
    hours = settings.ADDRESS_PROOF_HOURS
    if registration.address_verified or not hours:
        return None
    return registration.created_at + timedelta(hours=hours)


@outbox.periodic
def release_unproven_seats(now=None) -> int:
    """Seats of registrations whose address was not proven in time go to the waiting lists (their
    registration stays; they choose again once the address is proven). Safe in every process at
    once: each registration is released under its row lock, once. Returns how many were released."""
    hours = settings.ADDRESS_PROOF_HOURS
    if not hours:
        return 0
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        address_verified_at__isnull=True,
        seats_released_at__isnull=True,
        created_at__lte=now - timedelta(hours=hours),
    ).values_list("pk", flat=True)[:200]
    released = 0
    for pk in list(due):
        with transaction.atomic():
            registration = lock_registration(Registration(pk=pk), allow_cancelled=True)
            if (
                not registration.is_confirmed
                or registration.address_verified
                or registration.seats_released_at is not None
            ):
                continue
            bookings = list(registration.bookings.all())
            locked = lock_workshops((booking.workshop_id for booking in bookings), whole_rounds=True)
            freed = {booking.workshop_id for booking in bookings if booking.status == Booking.Status.BOOKED}
            registration.bookings.all().delete()
            Registration.objects.filter(pk=pk).update(seats_released_at=now)
            calendar_changed([pk])
            for workshop_id in sorted(freed):
                promote(locked[workshop_id], locked)
            audit.log(
                registration, "registration.seats_released", data={"released": len(freed)} if freed else {}
            )
            if bookings:
                outbox.queue(
                    "seats_released",
                    to=registration.email,
                    registration=registration,
                    context={
                        "dropped": in_calendar(bookings),
                        "address_token": new_address_token(registration),
                    },
                )
            announce_bookings_after_commit(registrations=[(pk, "changed")], workshops=locked)
            released += 1
    return released
