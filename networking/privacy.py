"""Networking data in the per-person export, the erasure and the retention purge (see
events.signals): the directory profile with its consent record, the connect code, contacts and 1:1
meetings between attendees, advisers' intakes, and municipality signup contacts.

Signup contacts are people too, but they have no registration: they are found by their e-mail
address within the event (the private link that asks for them was sent to that address). The
signups themselves (municipality, offer, status) are not personal and stay as statistics.
"""

from django.db.models import Q
from django.dispatch import receiver

from events.models import OutboundEmail, Registration
from events.selectors import email_out
from events.services import ERASED_NAME, scrub_history
from events.signals import event_purged, personal_data_requested, registration_erased
from events.times import iso
from networking.models import (
    ConnectCode,
    Contact,
    DirectoryProfile,
    Intake,
    Meeting,
    Signup,
    SignupContact,
)
from networking.selectors import directory_profile

# The networking e-mails go to signup contacts, who have no registration to link them to.
EMAIL_KIND_PREFIX = "networking_"


def _signup_contacts(event_id: int, email: str):
    return SignupContact.objects.filter(signup__offer__event_id=event_id, email__iexact=email).select_related(
        "signup__offer", "signup__municipality"
    )


def _found_by_address(registration: Registration, email: str):
    """Signup contacts with the registration's address, only once the address is proven: anyone can
    register with someone else's address, and must not read or erase their data through it."""
    if not registration.address_verified:
        return SignupContact.objects.none()
    return _signup_contacts(registration.event_id, email)


def _signup_emails(addresses):
    """Outbox rows of the networking e-mails to these addresses."""
    by_address = Q()
    for address in addresses:
        by_address |= Q(to__iexact=address)
    if not by_address:
        return OutboundEmail.objects.none()
    return OutboundEmail.objects.filter(
        by_address, registration__isnull=True, kind__startswith=EMAIL_KIND_PREFIX
    )


def _person(registration: Registration, *, with_email: bool) -> dict:
    person = {
        "name": registration.full_name,
        "role": str(registration.get_role_display()),
        "municipality_or_organisation": registration.affiliation,
    }
    if with_email:
        person["email"] = registration.email
    return person


def _contact_out(contact: Contact, registration: Registration) -> dict:
    """A contact as this attendee sees it: the other person's details only as they were shared
    (everything once accepted; name, role and municipality of someone asking; nothing yet of
    someone who was asked)."""
    sent = contact.requester_id == registration.pk
    accepted = contact.status == Contact.Status.ACCEPTED
    other = contact.other(registration)
    return {
        "direction": "sent" if sent else "received",
        "status": contact.status,
        "note": contact.note,
        "requested_at": iso(contact.created_at),
        "accepted_at": iso(contact.accepted_at),
        "other_person": _person(other, with_email=True)
        if accepted
        else None
        if sent
        else _person(other, with_email=False),
    }


def _directory_consents(profile: DirectoryProfile) -> list[dict]:
    if not (profile.joined_at or profile.left_at):
        return []
    return [
        {
            "purpose": "attendee_directory",
            "given_at": iso(profile.joined_at),
            "withdrawn_at": None if profile.listed else iso(profile.left_at),
        }
    ]


@receiver(personal_data_requested, dispatch_uid="networking.personal_data")
def personal_data(sender, registration, **kwargs) -> dict:
    profile = directory_profile(registration)
    code = ConnectCode.objects.filter(registration=registration).first()
    contacts = Contact.objects.involving(registration).select_related(
        "requester__municipality", "recipient__municipality"
    )
    signup_contacts = list(_found_by_address(registration, registration.email).order_by("created_at", "pk"))
    return {
        "directory_profile": {
            "listed": profile.listed,
            "interests": list(profile.interests),
            "talk_about": profile.talk_about,
        },
        "connect_code": {"exists": code is not None, "created_at": iso(code.created_at) if code else None},
        "contacts": [
            _contact_out(contact, registration) for contact in contacts.order_by("created_at", "pk")
        ],
        "meetings": [
            {
                "with": meeting.other(registration).full_name,
                "asked_by_you": meeting.requester_id == registration.pk,
                "state": meeting.state,
                "starts_at": iso(meeting.slot.starts_at),
                "table": meeting.table.number if meeting.table_id else None,
                "message": meeting.message,
                "cancel_message": meeting.cancel_message,
            }
            for meeting in Meeting.objects.involving(registration)
            .select_related("slot", "table", "requester", "invitee")
            .order_by("created_at", "pk")
        ],
        "intakes": [
            {
                "adviser": intake.adviser.full_name,
                "municipality": intake.municipality.name,
                "booked_by": intake.booker_name,
                "you_are_the_adviser": intake.adviser_id == registration.pk,
                "state": intake.state,
                "starts_at": iso(intake.slot.starts_at),
            }
            for intake in Intake.objects.involving(registration)
            .select_related("slot", "adviser", "municipality")
            .order_by("created_at", "pk")
        ],
        "municipality_signups": [
            {
                "municipality": contact.signup.municipality.name,
                "offer": contact.signup.offer.title,
                "status": contact.signup.status,
                "reference": contact.signup.reference,
                "contact_name": contact.name,
                "contact_role": contact.role,
                "contact_email": contact.email,
                "added_at": iso(contact.created_at),
            }
            for contact in signup_contacts
        ],
        "consents": _directory_consents(profile)
        + [
            {
                "purpose": "municipality_signup",
                "given_at": iso(contact.consent_given_at),
                "withdrawn_at": None,
                "municipality": contact.signup.municipality.name,
                "offer": contact.signup.offer.title,
            }
            for contact in signup_contacts
        ],
        "emails": [
            email_out(email)
            for email in _signup_emails(
                [registration.email] if registration.address_verified else []
            ).order_by("created_at", "pk")
        ],
    }


def _remove_signup_contacts(contacts: list[SignupContact]) -> dict:
    """Delete signup contacts with the outbox rows addressed to them, and forget their names in the
    admin history of their signups."""
    addresses = {contact.email for contact in contacts}
    emails = _signup_emails(addresses).delete()[0]
    replacements = {}
    for contact in contacts:
        replacements[contact.name] = ERASED_NAME
        replacements[contact.email] = ERASED_NAME
    scrub_history(
        Signup,
        {contact.signup_id for contact in contacts},
        replacements,
        erased_fields=[contact.trail_key for contact in contacts],
    )
    # The municipality's intakes they booked stay (the adviser's appointments); their name goes.
    Intake.objects.filter(booked_by_contact__in=contacts).update(booker_name=ERASED_NAME)
    removed = SignupContact.objects.filter(pk__in=[contact.pk for contact in contacts]).delete()[0]
    return {"signup_contacts": removed, "emails": emails}


@receiver(registration_erased, dispatch_uid="networking.erase")
def erase(sender, registration, email: str, **kwargs) -> dict:
    # The profile is emptied; its consent times stay with the anonymous registration, as the
    # core keeps the time the privacy statement was accepted.
    DirectoryProfile.objects.filter(registration=registration).update(
        listed=False, interests=[], talk_about=""
    )
    connect_codes = ConnectCode.objects.filter(registration=registration).delete()[0]
    contacts = Contact.objects.involving(registration).delete()[0]
    # Both sides' calendars drop a meeting that is gone; its messages are the two people's words.
    meetings = Meeting.objects.involving(registration).delete()[0]
    # Likewise the intakes they gave as adviser or booked for their municipality.
    intakes = Intake.objects.involving(registration).delete()[0]
    return {
        "connect_codes": connect_codes,
        "contacts": contacts,
        "meetings": meetings,
        "intakes": intakes,
        **_remove_signup_contacts(list(_found_by_address(registration, email))),
    }


@receiver(event_purged, dispatch_uid="networking.purge")
def purge(sender, event, **kwargs) -> dict:
    """The signups stay (municipality, offer, status: the programme's statistics); who signed up goes."""
    return _remove_signup_contacts(list(SignupContact.objects.filter(signup__offer__event=event)))
