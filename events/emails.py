"""E-mails of the core app, rendered when the outbox sends them."""

from email.mime.image import MIMEImage

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from events import badges, ical, mail
from events.links import absolute_url
from events.models import OutboundEmail


@mail.builder("registration_confirmation")
def registration_confirmation(email: OutboundEmail):
    registration = email.registration
    token = email.context["manage_token"]
    event = registration.event
    bookings = list(
        registration.bookings.select_related("workshop__room", "workshop__round").order_by("round__starts_at")
    )
    for booking in bookings:
        booking.position = booking.waitlist_position()
    context = {
        "registration": registration,
        "event": event,
        "bookings": bookings,
        "plenary": [w for w in ical.personal_workshops(registration) if w.round.kind == "plenary"],
        "manage_url": absolute_url(reverse("events:manage", args=[token])),
        "ics_url": absolute_url(reverse("events:personal_ics", args=[token])),
    }
    subject = _("Your registration for %(event)s (%(reference)s)") % {
        "event": event.name,
        "reference": registration.reference,
    }
    message = mail.message(
        email,
        subject=subject,
        text=render_to_string("events/email/confirmation.txt", context),
        html=render_to_string("events/email/confirmation.html", context),
    )
    badge = MIMEImage(badges.qr_png(registration.badge_secret), "png")
    badge.add_header("Content-ID", "<badge>")
    badge.add_header("Content-Disposition", "inline", filename=f"badge-{registration.reference}.png")
    message.attach(badge)
    message.attach(f"{registration.reference}.ics", ical.personal_calendar(registration), "text/calendar")
    return message
