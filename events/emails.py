"""E-mails of the core app, rendered when the outbox sends them (so they show the current state).

Every message about a registration carries the private link, the programme as it stands and,
where the calendar changed, the personal .ics (same UIDs, the workshops' current SEQUENCE).
"""

from email.mime.image import MIMEImage

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from events import badges, ical, mail
from events.links import absolute_url
from events.models import OutboundEmail, Registration, Workshop


def registration_context(registration: Registration) -> dict:
    bookings = list(
        registration.bookings.select_related("workshop__room", "workshop__round").order_by("round__starts_at")
    )
    for booking in bookings:
        booking.position = booking.waitlist_position()
    token = registration.manage_token
    day = ical.personal_workshops(registration)
    return {
        "registration": registration,
        "event": registration.event,
        "bookings": bookings,
        "day": day,
        "plenary": [w for w in day if w.round.kind == "plenary"],
        "manage_url": absolute_url(reverse("events:manage", args=[token])),
        "ics_url": absolute_url(reverse("events:personal_ics", args=[token])),
    }


def _compose(email: OutboundEmail, template: str, subject: str, *, calendar: bool = True, **extra):
    registration = email.registration
    context = {**registration_context(registration), **extra}
    message = mail.message(
        email,
        subject=subject,
        text=render_to_string(f"events/email/{template}.txt", context),
        html=render_to_string(f"events/email/{template}.html", context),
    )
    if calendar and registration.is_confirmed:
        message.attach(
            f"{registration.reference}.ics",
            ical.personal_calendar(registration, context["day"]),
            "text/calendar",
        )
    return message


def _workshop(email: OutboundEmail) -> Workshop:
    return Workshop.objects.select_related("round", "room").get(pk=email.context["workshop"])


@mail.builder("registration_confirmation")
def registration_confirmation(email: OutboundEmail):
    registration = email.registration
    subject = _("Your registration for %(event)s (%(reference)s)") % {
        "event": registration.event.name,
        "reference": registration.reference,
    }
    message = _compose(email, "confirmation", subject)
    badge = MIMEImage(badges.qr_png(registration.badge_secret), "png")
    badge.add_header("Content-ID", "<badge>")
    badge.add_header("Content-Disposition", "inline", filename=f"badge-{registration.reference}.png")
    message.attach(badge)
    return message


@mail.builder("registration_changed")
def registration_changed(email: OutboundEmail):
    return _compose(
        email,
        "changed",
        _("Your programme has changed (%(reference)s)") % {"reference": email.registration.reference},
    )


@mail.builder("registration_cancelled")
def registration_cancelled(email: OutboundEmail):
    subject = _("Your registration has been cancelled (%(reference)s)") % {
        "reference": email.registration.reference
    }
    return _compose(email, "cancelled", subject, calendar=False)


@mail.builder("seat_granted")
def seat_granted(email: OutboundEmail):
    workshop = _workshop(email)
    return _compose(
        email, "seat_granted", _("You have a seat: %(title)s") % {"title": workshop.title}, workshop=workshop
    )


@mail.builder("workshop_changed")
def workshop_changed(email: OutboundEmail):
    workshop = _workshop(email)
    subject = _("New room or time: %(title)s") % {"title": workshop.title}
    return _compose(email, "workshop_changed", subject, workshop=workshop)


@mail.builder("workshop_moved_away")
def workshop_moved_away(email: OutboundEmail):
    workshop = _workshop(email)
    return _compose(
        email, "workshop_moved_away", _("%(title)s has moved") % {"title": workshop.title}, workshop=workshop
    )


@mail.builder("workshop_cancelled")
def workshop_cancelled(email: OutboundEmail):
    workshop = _workshop(email)
    return _compose(
        email, "workshop_cancelled", _("Cancelled: %(title)s") % {"title": workshop.title}, workshop=workshop
    )
