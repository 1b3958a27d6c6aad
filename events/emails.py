"""E-mails of the core app, rendered when the outbox sends them (so they show the current state).

Every message about a registration carries the private link, the programme as it stands and,
where the calendar changed, the personal .ics: same UIDs, and what left the attendee's calendar as
cancellations, so that a calendar that imported an earlier file ends up with exactly their day.
"""

from email.mime.image import MIMEImage
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events import badges, ical, outbox, selectors
from events.links import absolute_url, calendar_path
from events.models import Delegation, DelegationInvitation, OutboundEmail, Registration, Workshop
from events.selectors import bookings_of
from events.services.addresses import others_with_address, proof_deadline


def address_link(email: OutboundEmail, registration: Registration | None = None) -> str:
    """The verification link a mail carries for a registration whose address is not proven yet."""
    registration = registration or email.registration
    tokens = email.context.get("address_tokens", {})
    token = tokens.get(str(registration.pk)) or (
        email.context.get("address_token", "") if registration.pk == email.registration_id else ""
    )
    if not token or registration.address_verified:
        return ""
    return absolute_url(reverse("events:verify_address", args=[token]))


def registration_context(registration: Registration) -> dict:
    bookings = bookings_of(registration)
    token = registration.manage_token
    return {
        "registration": registration,
        "event": registration.event,
        "bookings": bookings,
        "programme": selectors.programme_lines(registration, bookings) if registration.is_confirmed else [],
        "manage_url": absolute_url(reverse("events:manage", args=[token])),
        "ics_url": absolute_url(calendar_path(registration)),
        "register_url": absolute_url(reverse("events:register")),
    }


def compose(email: OutboundEmail, template: str, subject: str, *, calendar: bool = True, **extra):
    registration = email.registration
    event = registration.event
    with timezone.override(ZoneInfo(event.timezone)):
        context = {**registration_context(registration), **extra}
        message = outbox.message(
            email,
            event=event,
            subject=subject,
            text=render_to_string(f"events/email/{template}.txt", context),
            html=render_to_string(f"events/email/{template}.html", context),
        )
    dropped = email.context.get("dropped", [])
    if calendar and (registration.is_confirmed or dropped):
        message.attach(
            f"{registration.reference}.ics",
            ical.personal_calendar(registration, dropped=dropped),
            "text/calendar",
        )
    return message


def _workshop(email: OutboundEmail) -> Workshop:
    return Workshop.objects.select_related("round", "room").get(pk=email.context["workshop"])


def _other_links(registration: Registration) -> list[dict]:
    """The other registrations made with this address: the owner of the mailbox decides."""
    return [
        {
            "registration": other,
            "manage_url": absolute_url(reverse("events:manage", args=[other.manage_token])),
        }
        for other in others_with_address(registration)
    ]


@outbox.builder("registration_confirmation")
def registration_confirmation(email: OutboundEmail):
    registration = email.registration
    subject = _("Your registration for %(event)s (%(reference)s)") % {
        "event": registration.event.name,
        "reference": registration.reference,
    }
    message = compose(
        email,
        "confirmation",
        subject,
        address_url=address_link(email),
        proof_deadline=proof_deadline(registration),
        others=[] if registration.address_verified else _other_links(registration),
    )
    return attach_badge(message, registration)


def attach_badge(message, registration: Registration):
    """The badge's QR code as an inline image (`cid:badge` in the HTML part) that also saves as a file."""
    badge = MIMEImage(badges.qr_png(registration.badge_secret), "png")
    badge.add_header("Content-ID", "<badge>")
    badge.add_header("Content-Disposition", "inline", filename=f"badge-{registration.reference}.png")
    message.attach(badge)
    return message


@outbox.builder("registration_changed")
def registration_changed(email: OutboundEmail):
    return compose(
        email,
        "changed",
        _("Your programme has changed (%(reference)s)") % {"reference": email.registration.reference},
    )


@outbox.builder("registration_cancelled")
def registration_cancelled(email: OutboundEmail):
    subject = _("Your registration has been cancelled (%(reference)s)") % {
        "reference": email.registration.reference
    }
    return compose(
        email,
        "cancelled",
        subject,
        had_seats=email.context.get("had_seats", False),
        replaced_by=email.context.get("replaced_by", ""),
    )


@outbox.builder("registration_links")
def registration_links(email: OutboundEmail):
    """ "Send my link again": every registration made with the address, with its private link."""
    registrations = list(
        Registration.objects.filter(pk__in=email.context.get("registrations", [])).select_related("event")
    )
    registrations.sort(key=lambda registration: registration.created_at)
    entries = [
        {
            "registration": registration,
            "manage_url": absolute_url(reverse("events:manage", args=[registration.manage_token])),
            "address_url": address_link(email, registration),
        }
        for registration in registrations
    ]
    subject = _("Your link for %(event)s") % {"event": email.registration.event.name}
    return compose(email, "links", subject, calendar=False, entries=entries)


@outbox.builder("seats_released")
def seats_released(email: OutboundEmail):
    subject = _("Your seats have been released (%(reference)s)") % {"reference": email.registration.reference}
    return compose(email, "seats_released", subject, address_url=address_link(email))


@outbox.builder("seat_granted")
def seat_granted(email: OutboundEmail):
    workshop = _workshop(email)
    return compose(
        email, "seat_granted", _("You have a seat: %(title)s") % {"title": workshop.title}, workshop=workshop
    )


@outbox.builder("seat_swapped")
def seat_swapped(email: OutboundEmail):
    workshop = _workshop(email)
    given_up = Workshop.objects.filter(pk=email.context.get("given_up")).first()
    return compose(
        email,
        "seat_swapped",
        _("You have a seat: %(title)s") % {"title": workshop.title},
        workshop=workshop,
        given_up=given_up,
    )


@outbox.builder("workshop_changed")
def workshop_changed(email: OutboundEmail):
    workshop = _workshop(email)
    moved = set(email.context.get("moved", ["room", "time"]))
    if moved == {"room"}:
        subject = _("New room: %(title)s") % {"title": workshop.title}
    elif moved == {"time"}:
        subject = _("New time: %(title)s") % {"title": workshop.title}
    else:
        subject = _("New room and time: %(title)s") % {"title": workshop.title}
    return compose(
        email,
        "workshop_changed",
        subject,
        workshop=workshop,
        room_changed="room" in moved,
        time_changed="time" in moved,
    )


@outbox.builder("workshop_moved_away")
def workshop_moved_away(email: OutboundEmail):
    workshop = _workshop(email)
    email.context.setdefault("dropped", [workshop.pk])
    return compose(
        email, "workshop_moved_away", _("%(title)s has moved") % {"title": workshop.title}, workshop=workshop
    )


@outbox.builder("workshop_cancelled")
def workshop_cancelled(email: OutboundEmail):
    workshop = _workshop(email)
    return compose(
        email, "workshop_cancelled", _("Cancelled: %(title)s") % {"title": workshop.title}, workshop=workshop
    )


@outbox.builder("delegation_confirmation")
def delegation_confirmation(email: OutboundEmail):
    """To the coordinator: the delegation's link and, for the members they manage (themselves when
    attending, those without an address), the private link and the badge. Members with an address
    of their own get their link in their own mail only."""
    delegation = Delegation.objects.select_related("event", "municipality").get(
        pk=email.context["delegation"]
    )
    event = delegation.event
    members = list(
        delegation.members.filter(status=Registration.Status.CONFIRMED).select_related("delegation")
    )
    entries = [
        {
            "registration": member,
            "manage_url": absolute_url(reverse("events:manage", args=[member.manage_token]))
            if member.managed_by_coordinator
            else "",
        }
        for member in members
    ]
    token = email.context.get("address_token", "")
    context = {
        "delegation": delegation,
        "event": event,
        "entries": entries,
        "delegation_url": absolute_url(reverse("events:delegation", args=[delegation.manage_token])),
        "address_url": absolute_url(reverse("events:verify_delegation", args=[token]))
        if token and not delegation.address_verified
        else "",
    }
    subject = _("Your delegation for %(event)s (%(reference)s)") % {
        "event": event.name,
        "reference": delegation.reference,
    }
    message = outbox.message(
        email,
        event=event,
        subject=subject,
        text=render_to_string("events/email/delegation.txt", context),
        html=render_to_string("events/email/delegation.html", context),
    )
    for entry in entries:
        if entry["manage_url"]:
            member = entry["registration"]
            badge = MIMEImage(badges.qr_png(member.badge_secret), "png")
            badge.add_header("Content-Disposition", "attachment", filename=f"badge-{member.reference}.png")
            message.attach(badge)
    return message


@outbox.builder("delegation_invitation")
def delegation_invitation(email: OutboundEmail):
    """To someone registered on their own whom a coordinator named in their delegation: who asks,
    and the link to say yes or no. It shows nothing of their registration the mailbox's owner does
    not know already."""
    invitation = DelegationInvitation.objects.select_related(
        "delegation__event", "delegation__municipality", "registration"
    ).get(pk=email.context["invitation"])
    delegation = invitation.delegation
    context = {
        "invitation": invitation,
        "delegation": delegation,
        "registration": invitation.registration,
        "event": delegation.event,
        "answer_url": absolute_url(reverse("events:delegation_invitation", args=[email.context["token"]])),
    }
    subject = _("%(name)s asks you to join the delegation of %(municipality)s") % {
        "name": delegation.full_name,
        "municipality": delegation.municipality.name,
    }
    return outbox.message(
        email,
        event=delegation.event,
        subject=subject,
        text=render_to_string("events/email/delegation_invitation.txt", context),
        html=render_to_string("events/email/delegation_invitation.html", context),
    )
