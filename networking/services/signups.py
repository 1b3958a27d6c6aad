"""Municipalities' signups for the offers: places, proof, further contacts, review and release.

Places are decided in the database: each offer's row is locked while a signup counts its accepted
places, so the first N municipalities get them and the rest queue in arrival order. The
municipality's row is locked first, so one municipality's simultaneous signups see each other
(one place per offer; a second person becomes a second contact of the same signup), and it
serialises everything else about its signups (proof, acceptance, release).

Why proof: a signup takes a contact's address on the caller's word, so one client could take every
capped place with made-up contacts. A place is final only once an admitted contact proved their
address with the one-time link mailed to it, or when someone was there in person (events.presence: an organiser, a paired kiosk or desk), or an
organiser approved it. Until then it is held for SIGNUP_PROOF_HOURS; then a periodic job releases
it and the place goes to the first on the waitlist. Knowing an address proves nothing: a signup
with the address of a proven registration or a proven contact is held like any other, and its
answer is the same as for an unknown address (no oracle). A further person for an already signed-up
municipality learns nothing (no reference, no status) until they proved their address and an
admitted contact or an organiser accepted them.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import audit, outbox
from events.models import Event, Municipality, secret_hash
from events.presence import Presence
from events.services import REFERENCE_ALPHABET
from networking import live
from networking.errors import SignupError
from networking.models import Offer, Signup, SignupContact

SIGNUP_REFERENCE_PREFIX = "DIA-"

audit.describe(
    {
        "signup.contact_added": _("Contact added to the signup"),
        "signup.contact_accepted": _("Further contact accepted"),
        "signup.confirmed": _("Signup confirmed"),
        "signup.reviewed": _("Signup approved by an organiser"),
        "signup.rejected": _("Signup rejected by an organiser"),
        "signup.released": _("Unconfirmed signup released"),
        "signup.taken_over": _("Signup taken over by a proven contact"),
        "signup.promoted": _("Place given from the waiting list"),
        "signup.withdrawn": _("Municipality withdrew from the offer"),
    }
)


@dataclass
class OfferOutcome:
    signup: Signup
    new: bool  # False: the municipality already had this signup (another contact was added)
    position: int | None


@dataclass
class SignupResult:
    municipality: Municipality
    # Only for whoever signed up a municipality that had no signup yet; None otherwise: a further
    # person sees nothing until proven and accepted (the mail to the address says the rest).
    reference: str | None
    outcomes: list[OfferOutcome] = field(default_factory=list)
    manage_token: str | None = None  # the private link's token, with the reference
    address_verified: bool = False
    confirmed: bool = False  # every place of this signup is final already

    @property
    def visible(self) -> bool:
        return self.reference is not None


def _unique_signup_reference() -> str:
    while True:
        reference = SIGNUP_REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(5))
        if not Signup.objects.filter(reference=reference).exists():
            return reference


def _rows_of_person(event_id: int, municipality_id: int, email: str):
    """One person's contact rows for a municipality: one per offer."""
    return SignupContact.objects.filter(
        signup__offer__event_id=event_id, signup__municipality_id=municipality_id, email__iexact=email
    )


def _lock_municipality(municipality_id: int) -> None:
    Municipality.objects.select_for_update().filter(pk=municipality_id).values_list("pk").first()


def _confirm_where_proven(event_id: int, municipality_id: int, now) -> list[int]:
    """Make final the municipality's held places that now have an admitted, proven contact."""
    due = list(
        Signup.objects.filter(
            offer__event_id=event_id,
            municipality_id=municipality_id,
            confirmed_at__isnull=True,
            contacts__admitted_at__isnull=False,
            contacts__address_verified_at__isnull=False,
        )
        .distinct()
        .select_related("offer", "municipality")
    )
    for signup in due:
        Signup.objects.filter(pk=signup.pk).update(confirmed_at=now)
        audit.log(signup, "signup.confirmed", event=event_id)
    return [signup.pk for signup in due]


def sign_up(
    *,
    event: Event,
    municipality: Municipality,
    contact_name: str,
    contact_email: str,
    offers: Iterable[Offer],
    contact_role: str = "",
    consent: bool = False,
    in_person: Presence | None = None,
) -> SignupResult:
    """Sign a municipality up for offers: a place while there is one, else the waitlist.

    Idempotent per municipality and offer: when the municipality already holds a signup for an
    offer, its status and position stay as they are and this person is added as a contact.
    `consent`: the contact ticked the privacy consent (the signup page requires it); its time is
    stored on the contact as the consent record. `in_person`: someone is there in person, so the
    new places are final at once.
    """
    offer_ids = sorted({offer.pk for offer in offers})
    if not offer_ids:
        raise SignupError("no_offers", _("Choose at least one offer."), field="offers", status=422)
    now = timezone.now()
    with transaction.atomic():
        _lock_municipality(municipality.pk)
        # Locked in id order, so two signups never wait for each other's offers crosswise.
        locked = list(Offer.objects.select_for_update().filter(event=event, pk__in=offer_ids).order_by("pk"))
        if len(locked) != len(offer_ids):
            raise SignupError("unknown_offer", _("Unknown offer."), field="offers", status=422)
        held = {
            signup.offer_id: signup
            for signup in Signup.objects.filter(offer__event=event, municipality=municipality)
        }
        first_signer = not held
        earlier_rows = list(_rows_of_person(event.pk, municipality.pk, contact_email))
        # Admitted: the one who signs up a new municipality, or someone already accepted for it.
        admitted = first_signer or any(row.admitted for row in earlier_rows)
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
                    confirmed_at=now if in_person else None,
                )
            signup.offer = offer
            _contact, added = _add_contact(
                signup,
                name=contact_name,
                email=contact_email,
                role=contact_role,
                consent_at=now if consent else None,
                admitted_at=now if admitted else None,
            )
            # Who signed up is not in the trail: contacts are people without a registration.
            if new:
                audit.log(
                    signup,
                    "signup.created",
                    event=event,
                    changes={"status": [None, signup.status]},
                    data={"in_person": in_person.kind} if in_person else {},
                )
            elif added:
                audit.log(signup, "signup.contact_added", event=event)
            outcomes.append(OfferOutcome(signup=signup, new=new, position=signup.waitlist_position()))
        # One private link and one proof link per person and municipality: every earlier link of
        # this person stops working, the mail carries the new ones.
        # A new row is unproven whoever the caller is: only the mailed link proves the address.
        person_rows = _rows_of_person(event.pk, municipality.pk, contact_email)
        proven = not person_rows.filter(address_verified_at__isnull=True).exists()
        manage_token = secrets.token_urlsafe(24)
        address_token = "" if proven else secrets.token_urlsafe(16)
        person_rows.update(
            manage_token_hash=secret_hash(manage_token),
            address_token_hash=secret_hash(address_token) if address_token else "",
        )
        confirmed_now = set(_confirm_where_proven(event.pk, municipality.pk, now))
        for outcome in outcomes:
            if outcome.signup.pk in confirmed_now:
                outcome.signup.confirmed_at = now
        outbox.queue(
            "networking_signup_confirmation",
            to=contact_email,
            context={
                "contact_name": contact_name,
                "signups": [outcome.signup.pk for outcome in outcomes],
                "new": [outcome.signup.pk for outcome in outcomes if outcome.new],
                "admitted": admitted,
                "manage_token": manage_token,
                "address_token": address_token,
            },
        )
        for outcome in outcomes:
            if outcome.new:
                transaction.on_commit(partial(live.publish_signup, outcome.signup.pk))
    # In the offers' display order, as the page lists them.
    outcomes.sort(key=lambda outcome: (outcome.signup.offer.position, outcome.signup.offer.title))
    if not first_signer:
        # The same answer for a stranger and for the proven contact's own address.
        return SignupResult(municipality=municipality, reference=None)
    return SignupResult(
        municipality=municipality,
        reference=reference,
        outcomes=outcomes,
        manage_token=manage_token,
        address_verified=proven,
        confirmed=all(outcome.signup.confirmed_at for outcome in outcomes),
    )


def _add_contact(
    signup: Signup, *, name: str, email: str, role: str, consent_at, admitted_at
) -> tuple[SignupContact, bool]:
    """The signup's contact with this address, and whether it is new."""
    contact = SignupContact.objects.filter(signup=signup, email__iexact=email).first()
    if contact is None:
        contact = SignupContact.objects.create(
            signup=signup,
            name=name,
            email=email,
            role=role,
            consent_given_at=consent_at,
            admitted_at=admitted_at,
        )
        return contact, True
    if consent_at and contact.consent_given_at is None:
        contact.consent_given_at = consent_at
        contact.save(update_fields=["consent_given_at"])
    return contact, False


def contact_for_proof_token(token: str) -> SignupContact:
    contact = (
        SignupContact.objects.select_related("signup__municipality", "signup__offer__event")
        .filter(address_token_hash=secret_hash(token))
        .exclude(address_token_hash="")
        .first()
    )
    if contact is None:
        raise SignupError(
            "unknown_link", _("This confirmation link is not known or has been used."), status=404
        )
    return contact


def contact_for_manage_token(token: str) -> SignupContact:
    """One of the person's contact rows behind a private signup link (any: they share it)."""
    contact = (
        SignupContact.objects.select_related("signup__municipality", "signup__offer__event")
        .filter(manage_token_hash=secret_hash(token))
        .exclude(manage_token_hash="")
        .order_by("pk")
        .first()
    )
    if contact is None:
        raise SignupError("unknown_signup", _("This signup link is not known."), status=404)
    return contact


def verify_contact_address(token: str) -> SignupContact:
    """The contact opened the proof link (and confirmed on the page): their address counts, and
    the places they hold as an admitted contact are final."""
    contact = contact_for_proof_token(token)
    signup = contact.signup
    event_id = signup.offer.event_id
    now = timezone.now()
    with transaction.atomic():
        _lock_municipality(signup.municipality_id)
        rows = _rows_of_person(event_id, signup.municipality_id, contact.email)
        if not rows.filter(address_token_hash=secret_hash(token)).exists():
            raise SignupError(
                "unknown_link", _("This confirmation link is not known or has been used."), status=404
            )
        rows.filter(address_verified_at__isnull=True).update(address_verified_at=now)
        rows.update(address_token_hash="")
        _confirm_where_proven(event_id, signup.municipality_id, now)
    contact.refresh_from_db()
    return contact


def pending_contacts(contact: SignupContact) -> list[SignupContact]:
    """Further people for the contact's municipality who proved their address and wait to be
    accepted: one row per person (their first)."""
    signup = contact.signup
    rows = SignupContact.objects.filter(
        signup__offer__event_id=signup.offer.event_id,
        signup__municipality_id=signup.municipality_id,
        admitted_at__isnull=True,
        address_verified_at__isnull=False,
    ).order_by("created_at", "pk")
    people: dict[str, SignupContact] = {}
    for row in rows:
        people.setdefault(row.email.lower(), row)
    return list(people.values())


def admit_contact(*, pending: SignupContact, by: SignupContact | None = None) -> None:
    """Accept a further person for the municipality: `by` an admitted contact who proved their
    address, or by an organiser (None; the audit trail names them). They must have proved theirs."""
    signup = pending.signup
    event_id = signup.offer.event_id
    now = timezone.now()
    with transaction.atomic():
        _lock_municipality(signup.municipality_id)
        if by is not None:
            accepter = _rows_of_person(event_id, signup.municipality_id, by.email).filter(
                admitted_at__isnull=False, address_verified_at__isnull=False
            )
            if not accepter.exists():
                raise SignupError(
                    "not_allowed", _("Confirm your own address before you accept others."), status=403
                )
        rows = _rows_of_person(event_id, signup.municipality_id, pending.email)
        if not rows.filter(address_verified_at__isnull=False).exists():
            raise SignupError("not_proven", _("This person has not confirmed their address yet."), status=409)
        for row in rows.filter(admitted_at__isnull=True).select_related(
            "signup__municipality", "signup__offer"
        ):
            audit.log(row.signup, "signup.contact_accepted", event=event_id)
        rows.filter(admitted_at__isnull=True).update(admitted_at=now)
        _confirm_where_proven(event_id, signup.municipality_id, now)


def _promote_first(offer: Offer) -> Signup | None:
    """The first municipality on the offer's waitlist gets the free place (offer row locked)."""
    if offer.places is None:
        return None
    taken = Signup.objects.filter(offer=offer, status=Signup.Status.ACCEPTED).count()
    if taken >= offer.places:
        return None
    first = (
        Signup.objects.filter(offer=offer, status=Signup.Status.WAITLISTED)
        .select_related("municipality", "offer")
        .order_by("pk")
        .first()
    )
    if first is None:
        return None
    Signup.objects.filter(pk=first.pk).update(status=Signup.Status.ACCEPTED)
    audit.log(first, "signup.promoted", event=offer.event_id, changes={"status": [first.status, "accepted"]})
    first.status = Signup.Status.ACCEPTED
    # Told at once, in the same transaction: every admitted contact, once per address.
    addresses = {}
    for contact in first.contacts.filter(admitted_at__isnull=False).order_by("pk"):
        addresses.setdefault(contact.email.lower(), contact)
    for contact in addresses.values():
        outbox.queue(
            "networking_place_given",
            to=contact.email,
            context={
                "offer": offer.pk,
                "contact_name": contact.name,
                "municipality": first.municipality.name,
                "reference": first.reference,
            },
        )
    transaction.on_commit(partial(live.publish_signup, first.pk))
    return first


def _remove(signup: Signup, action: str) -> Signup | None:
    """Take the signup away (its contacts with it) and give a place it held to the waitlist.
    Called with the municipality's row locked; locks the offer. Returns who got the place."""
    offer = Offer.objects.select_for_update().get(pk=signup.offer_id)
    # Read again under the offer's lock: a withdrawal elsewhere may just have given it the place.
    signup.status = Signup.objects.filter(pk=signup.pk).values_list("status", flat=True).first()
    held_place = signup.status == Signup.Status.ACCEPTED
    audit.log(signup, action, event=offer.event_id, changes={"status": [signup.status, None]})
    signup.delete()
    return _promote_first(offer) if held_place else None


def reject_signup(signup: Signup) -> Signup | None:
    """An organiser rejects a signup (made up, a duplicate): it goes, and so do its contacts; the
    place goes to the first on the waitlist, who is returned. The municipality may sign up again."""
    with transaction.atomic():
        _lock_municipality(signup.municipality_id)
        signup = Signup.objects.select_related("municipality", "offer").filter(pk=signup.pk).first()
        if signup is None:
            return None
        return _remove(signup, "signup.rejected")


def withdraw(*, contact: SignupContact | None, signup: Signup) -> Signup | None:
    """The municipality withdraws from an offer: through its contact's private link (`contact`, who
    must be admitted), or by an organiser (None). The place goes to the first on the offer's
    waitlist at once, in the same transaction, who is returned (and mailed)."""
    with transaction.atomic():
        _lock_municipality(signup.municipality_id)
        if (
            contact is not None
            and not SignupContact.objects.filter(pk=contact.pk, admitted_at__isnull=False).exists()
        ):
            raise SignupError(
                "not_admitted",
                _("Only the municipality's accepted contacts can change its signups."),
                status=403,
            )
        current = Signup.objects.select_related("municipality", "offer").filter(pk=signup.pk).first()
        if current is None:
            raise SignupError(
                "not_signed_up", _("Your municipality is not signed up for this offer."), status=404
            )
        return _remove(current, "signup.withdrawn")


def signup_of_contact(contact: SignupContact, offer_slug: str) -> Signup:
    """The contact's municipality's signup for an offer (the contact must be admitted)."""
    if not contact.admitted:
        raise SignupError(
            "not_admitted", _("Only the municipality's accepted contacts can change its signups."), status=403
        )
    signup = Signup.objects.filter(
        offer__event_id=contact.signup.offer.event_id,
        offer__slug=offer_slug,
        municipality_id=contact.signup.municipality_id,
    ).first()
    if signup is None:
        raise SignupError(
            "not_signed_up", _("Your municipality is not signed up for this offer."), status=404
        )
    return signup


def approve_signups(signups: Iterable[Signup]) -> int:
    """Organisers looked at these new signups and keep them: reviewed, and their places final."""
    now = timezone.now()
    approved = 0
    with transaction.atomic():
        for signup in (
            Signup.objects.select_for_update()
            .filter(pk__in=[s.pk for s in signups], reviewed_at__isnull=True)
            .select_related("municipality", "offer")
        ):
            Signup.objects.filter(pk=signup.pk).update(
                reviewed_at=now, confirmed_at=signup.confirmed_at or now
            )
            audit.log(signup, "signup.reviewed", event=signup.offer.event_id)
            approved += 1
    return approved


def proof_deadline(signup: Signup):
    """Until when an unconfirmed signup holds its place; None when it is final or held without limit."""
    hours = settings.SIGNUP_PROOF_HOURS
    if signup.confirmed_at or not hours:
        return None
    return signup.created_at + timedelta(hours=hours)


@outbox.periodic
def release_unconfirmed_signups(now=None) -> int:
    """Signups not confirmed within SIGNUP_PROOF_HOURS: where a further person proved their address
    and the municipality has no proven admitted contact at all, that person takes over (the
    unproven contacts go); otherwise the signup goes and its place passes to the waitlist. Safe in
    every process at once: each is handled under its municipality's lock, once. Returns how many."""
    hours = settings.SIGNUP_PROOF_HOURS
    if not hours:
        return 0
    now = now or timezone.now()
    due = list(
        Signup.objects.filter(confirmed_at__isnull=True, created_at__lte=now - timedelta(hours=hours))
        .order_by("pk")
        .values_list("pk", "municipality_id")[:500]
    )
    handled = 0
    for pk, municipality_id in due:
        with transaction.atomic():
            _lock_municipality(municipality_id)
            signup = (
                Signup.objects.select_related("municipality", "offer")
                .filter(pk=pk, confirmed_at__isnull=True)
                .first()
            )
            if signup is None:
                continue
            event_id = signup.offer.event_id
            proven = (
                signup.contacts.filter(address_verified_at__isnull=False).order_by("created_at", "pk").first()
            )
            municipality_rows = SignupContact.objects.filter(
                signup__offer__event_id=event_id, signup__municipality_id=municipality_id
            )
            trusted = municipality_rows.filter(admitted_at__isnull=False, address_verified_at__isnull=False)
            if proven is not None and not trusted.exists():
                municipality_rows.filter(address_verified_at__isnull=True, admitted_at__isnull=False).delete()
                _rows_of_person(event_id, municipality_id, proven.email).update(admitted_at=now)
                audit.log(signup, "signup.taken_over", event=event_id)
                _confirm_where_proven(event_id, municipality_id, now)
            else:
                _remove(signup, "signup.released")
            handled += 1
    return handled
