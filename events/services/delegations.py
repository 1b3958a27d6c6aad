"""Delegations: a coordinator registers the people of their municipality in one go.

Each member gets a registration of their own through `register` (badge, private link, seats or
waitlist places). A member with an address gets their own confirmation and proves that address
themselves; the coordinator never receives their private link. A member without an address is
managed by the coordinator: their mails go to the coordinator, whose proven address proves them.
The whole delegation takes its places of the event's capacity under the event row lock, all or none.
"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import audit, outbox
from events.errors import RegistrationError
from events.models import Delegation, Event, Municipality, Registration, secret_hash
from events.services.addresses import prove_address, resend_confirmation
from events.services.registration import (
    cancel_registration,
    new_manage_token,
    register,
    unique_reference,
)

DELEGATION_PREFIX = "DEL-"


def register_delegation(
    *,
    event: Event,
    coordinator: dict,
    municipality: Municipality,
    attending: bool,
    members: list[dict],
    language: str = "",
) -> tuple[Delegation, str, list[tuple[Registration, str]]]:
    """Register a delegation (input as events.forms.clean_delegation returns it). Returns the
    delegation, its manage token, and each member's registration with its manage token (the
    coordinator's own first when they attend). Raises RegistrationError `event_full` (422) naming
    the shortfall when the event has fewer places left than the delegation needs: then nothing
    is stored."""
    people = [{**coordinator, "coordinator": True}] if attending else []
    people += members
    manage_token = new_manage_token()
    address_token = secrets.token_urlsafe(16)
    with transaction.atomic():
        # The same lock `register` takes for each member: the delegation's places are counted once.
        locked_event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
        taken = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()
        left = max(locked_event.capacity - taken, 0)
        if len(people) > left:
            raise RegistrationError(
                "event_full",
                _(
                    "The event has %(left)d places left; this delegation needs %(needed)d (%(short)d too many)."
                )
                % {"left": left, "needed": len(people), "short": len(people) - left},
                status=422,
            )
        delegation = Delegation.objects.create(
            event=event,
            reference=unique_reference(Delegation, prefix=DELEGATION_PREFIX, length=5),
            municipality=municipality,
            **coordinator,
            manage_token=manage_token,
            manage_token_hash=secret_hash(manage_token),
            address_token_hash=secret_hash(address_token),
        )
        registered = [_register_member(delegation, person, language) for person in people]
        audit.log(delegation, "delegation.created", data={"members": len(registered)})
        outbox.queue(
            "delegation_confirmation",
            to=delegation.email,
            registration=delegation.coordinator_registration,
            context={"delegation": delegation.pk, "address_token": address_token},
        )
    return delegation, manage_token, registered


def _register_member(delegation: Delegation, person: dict, language: str) -> tuple[Registration, str]:
    """One person of the delegation, through `register` (inside the caller's transaction)."""
    own_address = bool(person["email"]) and not person.get("coordinator")
    registration, token = register(
        event=delegation.event,
        first_name=person["first_name"],
        last_name=person["last_name"],
        email=person["email"],
        role=person["role"],
        municipality=delegation.municipality,
        workshops=person.get("workshops", ()),
        answers=person.get("answers"),
        language=language,
        # The coordinator's own and the address-less members' mails: the delegation mail.
        send_confirmation=own_address,
        delegation=delegation,
        # Proven by the coordinator's link, not a link of their own (the coordinator's own
        # registration by that link too, when they open it).
        proven_by_coordinator=not own_address,
    )
    if person.get("coordinator"):
        delegation.coordinator_registration = registration
        delegation.save(update_fields=["coordinator_registration"])
    return registration, token


def add_member(delegation: Delegation, person: dict, *, language: str = "") -> tuple[Registration, str]:
    """The coordinator adds someone (`person` as a member of events.forms.clean_delegation): a
    registration like the others, its place taken under the event lock as anyone's. A member
    with an address gets their own mail; one without is in the coordinator's next mail."""
    with transaction.atomic():
        delegation = (
            Delegation.objects.select_for_update()
            .select_related("event", "municipality")
            .get(pk=delegation.pk)
        )
        email = person["email"].lower()
        if email and (
            (email == delegation.email.lower() and delegation.coordinator_registration_id)
            or delegation.members.filter(email__iexact=email, status=Registration.Status.CONFIRMED).exists()
        ):
            raise RegistrationError(
                "email_in_delegation",
                _("This address appears twice in the delegation."),
                field="email",
                status=422,
            )
        registration, token = _register_member(delegation, person, language)
        audit.log(delegation, "delegation.member_added")
        if not person["email"]:
            outbox.queue(
                "delegation_confirmation",
                to=delegation.email,
                registration=delegation.coordinator_registration,
                context={"delegation": delegation.pk},
            )
    return registration, token


def delegation_for_address_token(token: str) -> Delegation:
    delegation = (
        Delegation.objects.select_related("event")
        .filter(address_token_hash=secret_hash(token))
        .exclude(address_token_hash="")
        .first()
    )
    if delegation is None:
        raise RegistrationError(
            "unknown_link", _("This confirmation link is not known or has been used."), status=404
        )
    return delegation


def verify_delegation_address(token: str) -> Delegation:
    """The coordinator opened the link mailed to them (and confirmed on the page): their address is
    proven, and with it their own registration and those of the members without an address."""
    delegation = delegation_for_address_token(token)
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        now = timezone.now()
        Delegation.objects.filter(pk=delegation.pk).update(address_verified_at=now, address_token_hash="")
        coordinator = delegation.coordinator_registration
        if coordinator is not None and coordinator.is_confirmed and not coordinator.address_verified:
            prove_address(coordinator)
        managed = delegation.members.filter(
            email="", status=Registration.Status.CONFIRMED, address_verified_at__isnull=True
        )
        managed.update(address_verified_at=now)
        audit.log(delegation, "delegation.address_verified")
        delegation.refresh_from_db()
    return delegation


def remove_member(delegation: Delegation, reference: str) -> Registration:
    """The coordinator takes a member off the list: their registration is cancelled (seats to the
    waitlists; a member with an address is told by mail)."""
    member = delegation.members.filter(reference=reference).first()
    if member is None:
        raise RegistrationError("unknown_member", _("This person is not in the delegation."), status=404)
    return cancel_registration(member)


def resend_member_link(delegation: Delegation, reference: str) -> bool:
    """The coordinator asks to send a member's confirmation (with their private link) again, to the
    member's own address; the coordinator never sees it. A member without an address has no mail
    of their own (theirs is in the coordinator's). Returns whether a mail was queued."""
    member = delegation.members.filter(reference=reference, status=Registration.Status.CONFIRMED).first()
    if member is None:
        raise RegistrationError("unknown_member", _("This person is not in the delegation."), status=404)
    if not member.email:
        raise RegistrationError(
            "no_address",
            _("This person has no e-mail address of their own: their badge and link are in your e-mail."),
            status=422,
        )
    return resend_confirmation(member)
