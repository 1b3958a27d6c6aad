"""State changes of the networking app: municipality signups, directory profiles, attendee contacts.

Places are decided in the database: each offer's row is locked while a signup counts its accepted
places, so the first N municipalities get them and the rest queue in arrival order. The
municipality's row is locked first, so one municipality's simultaneous signups see each other
(one place per offer; a second person becomes a second contact of the same signup).
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import badges, mail
from events.models import Event, Municipality, Registration, secret_hash
from events.services import REFERENCE_ALPHABET
from networking import live
from networking.errors import ContactError, SignupError
from networking.models import ConnectCode, Contact, Offer, Signup, SignupContact

SIGNUP_REFERENCE_PREFIX = "DIA-"


@dataclass
class OfferOutcome:
    signup: Signup
    new: bool  # False: the municipality already had this signup (another contact was added)
    position: int | None


@dataclass
class SignupResult:
    reference: str
    municipality: Municipality
    outcomes: list[OfferOutcome]


def _unique_signup_reference() -> str:
    while True:
        reference = SIGNUP_REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(5))
        if not Signup.objects.filter(reference=reference).exists():
            return reference


def sign_up(
    *,
    event: Event,
    municipality: Municipality,
    contact_name: str,
    contact_email: str,
    offers: Iterable[Offer],
    contact_role: str = "",
    consent: bool = False,
) -> SignupResult:
    """Sign a municipality up for offers: a place while there is one, else the waitlist.

    Idempotent per municipality and offer: when the municipality already holds a signup for an
    offer, its status and position stay as they are and this person is added as a contact.
    `consent`: the contact ticked the privacy consent (the signup page requires it); its time is
    stored on the contact as the consent record.
    """
    offer_ids = sorted({offer.pk for offer in offers})
    if not offer_ids:
        raise SignupError("no_offers", _("Choose at least one offer."), field="offers", status=422)
    now = timezone.now()
    with transaction.atomic():
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        # Locked in id order, so two signups never wait for each other's offers crosswise.
        locked = list(Offer.objects.select_for_update().filter(event=event, pk__in=offer_ids).order_by("pk"))
        if len(locked) != len(offer_ids):
            raise SignupError("unknown_offer", _("Unknown offer."), field="offers", status=422)
        held = {
            signup.offer_id: signup
            for signup in Signup.objects.filter(offer__event=event, municipality=municipality)
        }
        reference = next(iter(held.values())).reference if held else _unique_signup_reference()
        outcomes = []
        for offer in locked:
            signup = held.get(offer.pk)
            new = signup is None
            if new:
                taken = Signup.objects.filter(offer=offer, status=Signup.Status.ACCEPTED).count()
                has_place = offer.places is None or taken < offer.places
                signup = Signup.objects.create(
                    offer=offer,
                    municipality=municipality,
                    reference=reference,
                    status=Signup.Status.ACCEPTED if has_place else Signup.Status.WAITLISTED,
                )
            signup.offer = offer
            _add_contact(
                signup,
                name=contact_name,
                email=contact_email,
                role=contact_role,
                consent_at=now if consent else None,
            )
            outcomes.append(OfferOutcome(signup=signup, new=new, position=signup.waitlist_position()))
        mail.queue(
            "networking_signup_confirmation",
            to=contact_email,
            context={
                "contact_name": contact_name,
                "signups": [outcome.signup.pk for outcome in outcomes],
                "new": [outcome.signup.pk for outcome in outcomes if outcome.new],
            },
        )
        for outcome in outcomes:
            if outcome.new:
                transaction.on_commit(partial(live.publish_signup, outcome.signup.pk))
    # In the offers' display order, as the page lists them.
    outcomes.sort(key=lambda outcome: (outcome.signup.offer.position, outcome.signup.offer.title))
    return SignupResult(reference=reference, municipality=municipality, outcomes=outcomes)


def _add_contact(signup: Signup, *, name: str, email: str, role: str, consent_at) -> SignupContact:
    contact = SignupContact.objects.filter(signup=signup, email__iexact=email).first()
    if contact is None:
        contact = SignupContact.objects.create(
            signup=signup, name=name, email=email, role=role, consent_given_at=consent_at
        )
    elif consent_at and contact.consent_given_at is None:
        contact.consent_given_at = consent_at
        contact.save(update_fields=["consent_given_at"])
    return contact


def update_directory_profile(
    registration: Registration, *, directory_opt_in: bool, interests: Iterable[str] = (), talk_about: str = ""
) -> Registration:
    """Join or leave the attendee directory, or change what it shows. Leaving hides at once.

    The consent record: joining stamps `directory_opt_in_at`, leaving stamps `directory_opt_out_at`
    and keeps the time it was given. The profile only serves the directory, so leaving clears it."""
    now = timezone.now()
    if directory_opt_in and not registration.directory_opt_in:
        registration.directory_opt_in_at = now
    elif not directory_opt_in and registration.directory_opt_in:
        registration.directory_opt_out_at = now
    registration.directory_opt_in = directory_opt_in
    registration.interests = list(interests) if directory_opt_in else []
    registration.talk_about = talk_about if directory_opt_in else ""
    registration.save(
        update_fields=[
            "directory_opt_in",
            "directory_opt_in_at",
            "directory_opt_out_at",
            "interests",
            "talk_about",
            "updated_at",
        ]
    )
    return registration


def connect_code_for(registration: Registration) -> ConnectCode:
    """The attendee's connect code, created the first time it is shown."""
    code = ConnectCode.objects.filter(registration=registration).first()
    if code is not None:
        return code
    secret = badges.new_secret()
    try:
        with transaction.atomic():
            return ConnectCode.objects.create(
                registration=registration, secret=secret, secret_hash=secret_hash(secret)
            )
    except IntegrityError:  # the same page opened twice at once: the other request made it
        return ConnectCode.objects.get(registration=registration)


def owner_of_connect_code(secret: str) -> Registration:
    code = (
        ConnectCode.objects.select_related("registration__municipality")
        .filter(secret_hash=secret_hash(secret.strip().upper()))
        .first()
    )
    if code is None or not code.registration.is_confirmed:
        raise ContactError("unknown_code", _("This connect code is not known."), status=404)
    return code.registration


def request_contact(*, requester: Registration, secret: str, note: str = "") -> Contact:
    """Ask the owner of a connect code to exchange details. Asking twice changes nothing; when the
    other person had already asked us, both want it, so the contact is accepted."""
    recipient = owner_of_connect_code(secret)
    if recipient.pk == requester.pk:
        raise ContactError("own_code", _("This is your own connect code."), status=422)
    if not requester.is_confirmed:
        raise ContactError("not_registered", _("Your registration has been cancelled."), status=409)
    with transaction.atomic():
        # Both rows, in id order: two people scanning each other at once end up in one contact.
        # Read again under the lock: either may have cancelled or been erased meanwhile.
        still_here = list(
            Registration.objects.select_for_update()
            .filter(
                pk__in=[requester.pk, recipient.pk],
                status=Registration.Status.CONFIRMED,
                erased_at__isnull=True,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if recipient.pk not in still_here:
            raise ContactError("unknown_code", _("This connect code is not known."), status=404)
        if requester.pk not in still_here:
            raise ContactError("not_registered", _("Your registration has been cancelled."), status=409)
        reverse = Contact.objects.filter(requester=recipient, recipient=requester).first()
        if reverse is not None:
            if reverse.status == Contact.Status.PENDING:
                reverse.status = Contact.Status.ACCEPTED
                reverse.accepted_at = timezone.now()
                reverse.save(update_fields=["status", "accepted_at"])
            return reverse
        contact, _created = Contact.objects.get_or_create(
            requester=requester, recipient=recipient, defaults={"note": note}
        )
    return contact


def accept_contact(*, registration: Registration, contact_id: int) -> Contact:
    """The recipient agrees: from now on both see each other's details."""
    with transaction.atomic():
        contact = (
            Contact.objects.select_for_update()
            .filter(pk=contact_id, recipient=registration, status=Contact.Status.PENDING)
            .first()
        )
        if contact is None:
            raise ContactError("unknown_request", _("This contact request does not exist."), status=404)
        contact.status = Contact.Status.ACCEPTED
        contact.accepted_at = timezone.now()
        contact.save(update_fields=["status", "accepted_at"])
    return contact


def remove_contact(*, registration: Registration, contact_id: int) -> None:
    """Decline or withdraw a request, or delete a contact: either side may, and it is gone for both."""
    deleted, _counts = Contact.objects.involving(registration).filter(pk=contact_id).delete()
    if not deleted:
        raise ContactError("unknown_contact", _("This contact does not exist."), status=404)
