"""Delegations: a coordinator registers the people of their municipality in one go.

Each member gets a registration of their own through `register` (badge, private link, seats or
waitlist places). A member with an address gets their own confirmation and proves that address
themselves; the coordinator never receives their private link. A member without an address is
managed by the coordinator: their mails go to the coordinator, whose proven address proves them.
The whole delegation takes its places of the event's capacity under the event row lock, all or none.

Someone who registered on their own is not registered twice: the delegation invites them, by a
link mailed to their address, and their registration joins only when they say yes (it keeps its
badge, reference, workshops and private link). A person is in one delegation at most.
"""

import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from events import audit, outbox
from events.errors import InvalidInput, RegistrationError
from events.models import Delegation, DelegationInvitation, Event, Municipality, Registration, secret_hash
from events.services.addresses import prove_address, resend_confirmation
from events.services.registration import (
    cancel_registration,
    new_manage_token,
    register,
    unique_reference,
)
from events.services.seats import lock_registration

DELEGATION_PREFIX = "DEL-"
INVITATION_PREFIX = "INV-"

# What a delegation holds for each person it names: a new registration with its manage token, or an
# invitation to someone registered on their own (its token is in their mail only).
Member = tuple[Registration, str] | tuple[DelegationInvitation, str]


def register_delegation(
    *,
    event: Event,
    coordinator: dict,
    municipality: Municipality,
    attending: bool,
    members: list[dict],
    language: str = "",
) -> tuple[Delegation, str, list[Member]]:
    """Register a delegation (input as events.forms.clean_delegation returns it). Returns the
    delegation, its manage token, and for each person (the coordinator's own first when they
    attend) their registration with its manage token, or the invitation sent to someone registered
    on their own (with an empty token). Raises RegistrationError `event_full` (422) naming the
    shortfall when the event has fewer places left than the new registrations need, and
    InvalidInput on `members.N.email` for someone in another delegation: then nothing is stored."""
    people = [{**coordinator, "coordinator": True}] if attending else []
    people += members
    manage_token = new_manage_token()
    address_token = secrets.token_urlsafe(16)
    with transaction.atomic():
        # The same lock `register` takes for each member: the delegation's places are counted once.
        locked_event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
        registered_alone = _registered_alone(event, people, first_member=1 if attending else 0)
        needed = len(people) - len(registered_alone)  # those invited have a place already
        taken = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()
        left = max(locked_event.capacity - taken, 0)
        if needed > left:
            raise RegistrationError(
                "event_full",
                _(
                    "The event has %(left)d places left; this delegation needs %(needed)d (%(short)d too many)."
                )
                % {"left": left, "needed": needed, "short": needed - left},
                status=422,
            )
        delegation = Delegation.objects.create(
            event=event,
            reference=unique_reference(Delegation, prefix=DELEGATION_PREFIX, length=5),
            municipality=municipality,
            **{name: coordinator[name] for name in ("first_name", "last_name", "email", "role")},
            manage_token=manage_token,
            manage_token_hash=secret_hash(manage_token),
            address_token_hash=secret_hash(address_token),
        )
        registered: list[Member] = [
            (_invite(delegation, registered_alone[index], person), "")
            if index in registered_alone
            else _register_member(delegation, person, language)
            for index, person in enumerate(people)
        ]
        audit.log(delegation, "delegation.created", data={"members": len(registered)})
        outbox.queue(
            "delegation_confirmation",
            to=delegation.email,
            registration=delegation.coordinator_registration,
            context={"delegation": delegation.pk, "address_token": address_token},
        )
    return delegation, manage_token, registered


def _registration_of_address(
    event: Event, email: str, delegation: Delegation | None = None
) -> Registration | None:
    """The registration someone made on their own with this address (the proven one, else the
    first), to invite; None when there is none. Raises RegistrationError `in_other_delegation` when
    the address is a member of another delegation than `delegation`: one delegation per person."""
    if not email:
        return None
    found = list(
        Registration.objects.filter(
            event=event, email__iexact=email, status=Registration.Status.CONFIRMED, erased_at__isnull=True
        ).order_by(F("address_verified_at").asc(nulls_last=True), "created_at", "pk")
    )
    if any(r.delegation_id is not None and r.delegation_id != getattr(delegation, "pk", None) for r in found):
        raise RegistrationError(
            "in_other_delegation",
            _("This person is already in the delegation of another municipality or coordinator."),
            field="email",
            status=422,
        )
    alone = [registration for registration in found if registration.delegation_id is None]
    return alone[0] if alone else None


def registered_alone(event: Event, email: str) -> bool:
    """Whether this address has a registration of its own (the delegation would invite it); an
    address in another delegation is not (register_delegation refuses it)."""
    try:
        return _registration_of_address(event, email) is not None
    except RegistrationError:
        return False


def _registered_alone(event: Event, people: list[dict], *, first_member: int) -> dict[int, Registration]:
    """{index in `people`: registration} of those who registered on their own (an attending
    coordinator too: typing an address proves nothing, so they are asked by mail like anyone);
    InvalidInput naming the row (`members.N.email`, `coordinator.email`) of anyone in another
    delegation."""
    found, errors = {}, {}
    for index, person in enumerate(people):
        try:
            registration = _registration_of_address(event, person["email"])
        except RegistrationError as error:
            row = "coordinator" if person.get("coordinator") else f"members.{index - first_member}"
            errors[f"{row}.email"] = [error.message]
            continue
        if registration is not None:
            found[index] = registration
    if errors:
        raise InvalidInput(errors)
    return found


def _invite(delegation: Delegation, registration: Registration, person: dict) -> DelegationInvitation:
    """Ask someone registered on their own to join (inside the caller's transaction): a mail to their
    address with the link to answer. The clear token travels in the outbox row only."""
    token = secrets.token_urlsafe(16)
    invitation = DelegationInvitation.objects.create(
        delegation=delegation,
        registration=registration,
        reference=unique_reference(DelegationInvitation, prefix=INVITATION_PREFIX, length=5),
        name=f"{person['first_name']} {person['last_name']}",
        token_hash=secret_hash(token),
    )
    audit.log(delegation, "delegation.member_invited", data={"invitation": invitation.reference})
    _mail_invitation(invitation, token)
    return invitation


def _mail_invitation(invitation: DelegationInvitation, token: str) -> None:
    outbox.queue(
        "delegation_invitation",
        to=invitation.registration.email,
        registration=invitation.registration,
        context={"invitation": invitation.pk, "token": token},
    )


def _register_member(delegation: Delegation, person: dict, language: str) -> tuple[Registration, str]:
    """One person of the delegation, through `register` (inside the caller's transaction). The
    answers are always checked for their role (none given: none answered, so a required question is
    a 422), the attending coordinator's errors on `coordinator.answers.<id>`."""
    coordinator = bool(person.get("coordinator"))
    own_address = bool(person["email"]) and not coordinator
    try:
        registration, token = register(
            event=delegation.event,
            first_name=person["first_name"],
            last_name=person["last_name"],
            email=person["email"],
            role=person["role"],
            municipality=delegation.municipality,
            workshops=person.get("workshops", ()),
            answers=person.get("answers") or {},
            language=language,
            # The coordinator's own and the address-less members' mails: the delegation mail.
            send_confirmation=own_address,
            delegation=delegation,
            # Proven by the coordinator's link, not a link of their own (the coordinator's own
            # registration by that link too, when they open it).
            proven_by_coordinator=not own_address,
        )
    except InvalidInput as error:
        if not coordinator:
            raise
        raise InvalidInput(
            {f"coordinator.{field}": messages for field, messages in error.errors.items()}
        ) from error
    if coordinator:
        delegation.coordinator_registration = registration
        delegation.save(update_fields=["coordinator_registration"])
    return registration, token


def add_member(delegation: Delegation, person: dict, *, language: str = "") -> Member:
    """The coordinator adds someone (`person` as a member of events.forms.clean_delegation): a
    registration like the others, its place taken under the event lock as anyone's, or an
    invitation when the address has a registration of its own. A member with an address gets
    their own mail; one without is in the coordinator's next mail."""
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
            or delegation.invitations.filter(
                registration__email__iexact=email, answered_at__isnull=True, expired_at__isnull=True
            ).exists()
        ):
            raise RegistrationError(
                "email_in_delegation",
                _("This address appears twice in the delegation."),
                field="email",
                status=422,
            )
        if (registration := _registration_of_address(delegation.event, email, delegation)) is not None:
            return _invite(delegation, registration, person), ""
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


def invitation_for_token(token: str) -> DelegationInvitation:
    invitation = (
        DelegationInvitation.objects.select_related(
            "delegation__event", "delegation__municipality", "registration"
        )
        .filter(token_hash=secret_hash(token))
        .first()
    )
    if invitation is None:
        raise RegistrationError("unknown_link", _("This invitation is not known."), status=404)
    return invitation


def answer_invitation(token: str, *, accept: bool) -> DelegationInvitation:
    """The invited person's answer to the link in their mail. Yes: their registration joins the
    delegation as it is (badge, reference, workshops, private link), takes its municipality, and
    their address counts as proven (the mailbox answered); their other open invitations expire.
    No: nothing changes; the coordinator sees the refusal. The first answer stands: answering again
    returns it unchanged. RegistrationError `invitation_expired` (410) when either side cancelled."""
    invitation = invitation_for_token(token)
    registration = invitation.registration
    with transaction.atomic():
        if accept and invitation.is_open and registration.is_confirmed and not registration.address_verified:
            # Its own lock order (every registration of the address, by id), before the rows below.
            registration, _replaced = prove_address(registration)
        registration = lock_registration(registration, allow_cancelled=True)
        invitation = DelegationInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.answered_at is not None:
            return invitation
        if (
            invitation.expired_at is not None
            or not registration.is_confirmed
            or (accept and registration.delegation_id is not None)
        ):
            raise RegistrationError(
                "invitation_expired", _("This invitation is no longer valid."), status=410
            )
        now = timezone.now()
        invitation.answered_at, invitation.accepted = now, accept
        invitation.save(update_fields=["answered_at", "accepted"])
        delegation = invitation.delegation
        if accept:
            registration.delegation, registration.municipality = delegation, delegation.municipality
            registration.save(update_fields=["delegation", "municipality", "updated_at"])
            if (
                delegation.coordinator_registration_id is None
                and registration.email.lower() == delegation.email.lower()
            ):
                # The coordinator's own registration of before: theirs in the delegation from now on.
                Delegation.objects.filter(pk=delegation.pk).update(coordinator_registration=registration)
            registration.delegation_invitations.filter(
                answered_at__isnull=True, expired_at__isnull=True
            ).update(expired_at=now)
            audit.log(
                registration, "registration.joined_delegation", data={"delegation": delegation.reference}
            )
        audit.log(
            delegation,
            "delegation.invitation_accepted" if accept else "delegation.invitation_declined",
            data={"invitation": invitation.reference},
        )
    return invitation


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


def remove_member(delegation: Delegation, reference: str) -> Registration | DelegationInvitation:
    """The coordinator takes someone off the list. A member they registered: the registration is
    cancelled (seats to the waitlists; a member with an address is told by mail). A member who
    joined by invitation registered themselves: they only leave the delegation. An open
    invitation (its own reference): withdrawn, its link answers no more."""
    member = delegation.members.filter(reference=reference).first()
    if member is None:
        return _withdraw_invitation(delegation, reference)
    if not member.delegation_invitations.filter(delegation=delegation, accepted=True).exists():
        return cancel_registration(member)
    with transaction.atomic():
        member = lock_registration(member, allow_cancelled=True)
        member.delegation = None
        member.save(update_fields=["delegation", "updated_at"])
        audit.log(member, "registration.left_delegation", data={"delegation": delegation.reference})
        audit.log(delegation, "delegation.member_left")
    return member


def _withdraw_invitation(delegation: Delegation, reference: str) -> DelegationInvitation:
    with transaction.atomic():
        invitation = delegation.invitations.select_for_update().filter(reference=reference).first()
        if invitation is None or not invitation.is_open:
            raise RegistrationError("unknown_member", _("This person is not in the delegation."), status=404)
        invitation.expired_at = timezone.now()
        invitation.save(update_fields=["expired_at"])
        audit.log(delegation, "delegation.invitation_withdrawn", data={"invitation": reference})
    return invitation


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


def resend_invitation(delegation: Delegation, reference: str) -> DelegationInvitation:
    """The coordinator sends an open invitation (by its reference) once more, with a new link: the
    earlier one stops working."""
    with transaction.atomic():
        invitation = (
            delegation.invitations.select_for_update()
            .select_related("registration")
            .filter(reference=reference)
            .first()
        )
        if invitation is None or not invitation.is_open:
            raise RegistrationError("unknown_member", _("This person is not in the delegation."), status=404)
        token = secrets.token_urlsafe(16)
        invitation.token_hash = secret_hash(token)
        invitation.save(update_fields=["token_hash"])
        audit.log(delegation, "delegation.invitation_resent", data={"invitation": reference})
        _mail_invitation(invitation, token)
    return invitation
