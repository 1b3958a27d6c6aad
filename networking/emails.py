"""E-mails of the networking app, rendered when the outbox sends them (see events.mail)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from events import mail
from events.links import absolute_url
from events.models import OutboundEmail
from networking.models import Signup


@mail.builder("networking_signup_confirmation")
def signup_confirmation(email: OutboundEmail):
    new = set(email.context.get("new", []))
    signups = list(
        Signup.objects.filter(pk__in=email.context["signups"])
        .select_related("offer__event", "municipality")
        .order_by("offer__position", "offer__title")
    )
    for signup in signups:
        signup.position = signup.waitlist_position()
        signup.is_new = signup.pk in new
    municipality = signups[0].municipality
    event = signups[0].offer.event
    context = {
        "contact_name": email.context.get("contact_name", ""),
        "municipality": municipality,
        "event": event,
        "reference": signups[0].reference,
        "signups": signups,
        "signup_url": absolute_url(reverse("networking:signup")),
    }
    subject = _("%(municipality)s signed up for Democratie in Actie (%(reference)s)") % {
        "municipality": municipality.name,
        "reference": signups[0].reference,
    }
    return mail.message(
        email, subject=subject, text=render_to_string("networking/email/signup_confirmation.txt", context)
    )
