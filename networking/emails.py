"""E-mails of the networking app, rendered when the outbox sends them (see events.outbox)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import outbox
from events.links import absolute_url
from events.models import OutboundEmail
from networking.models import Meeting, Offer, Signup


@outbox.builder("networking_signup_confirmation")
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
    # Older rows (before proof) have no "admitted": their contacts were all shown everything.
    admitted = email.context.get("admitted", True)
    manage_token = email.context.get("manage_token", "")
    address_token = email.context.get("address_token", "")
    hours = settings.SIGNUP_PROOF_HOURS
    context = {
        "contact_name": email.context.get("contact_name", ""),
        "municipality": municipality,
        "event": event,
        "reference": signups[0].reference,
        "signups": signups,
        "admitted": admitted,
        "held": [signup for signup in signups if not signup.confirmed_at],
        "proof_hours": hours,
        "signup_url": absolute_url(reverse("networking:signup")),
        "manage_url": absolute_url(reverse("networking:manage", args=[manage_token])) if manage_token else "",
        "proof_url": absolute_url(reverse("networking:verify_address", args=[address_token]))
        if address_token
        else "",
    }
    if admitted:
        subject = _("%(municipality)s signed up for Democratie in Actie (%(reference)s)") % {
            "municipality": municipality.name,
            "reference": signups[0].reference,
        }
    else:
        subject = _("Your request to be a contact of %(municipality)s for Democratie in Actie") % {
            "municipality": municipality.name
        }
    return outbox.message(
        email,
        event=event,
        subject=subject,
        text=render_to_string("networking/email/signup_confirmation.txt", context),
    )


@outbox.builder("networking_place_given")
def place_given(email: OutboundEmail):
    """A municipality on the waitlist got a place that freed up. What it says is kept in the
    context when queued, so the mail still goes out if the signup changes meanwhile."""
    offer = Offer.objects.select_related("event").get(pk=email.context["offer"])
    context = {**email.context, "offer_title": offer.title}
    subject = _("A place for %(municipality)s: %(offer)s") % {
        "municipality": email.context["municipality"],
        "offer": offer.title,
    }
    return outbox.message(
        email,
        event=offer.event,
        subject=subject,
        text=render_to_string("networking/email/place_given.txt", context),
    )


# What a meeting mail tells its recipient: its subject, by the change that queued it.
MEETING_SUBJECTS = {
    "requested": gettext_lazy("%(name)s would like to meet you"),
    "proposed": gettext_lazy("%(name)s proposes another time to meet"),
    "accepted": gettext_lazy("%(name)s accepted your meeting"),
    "declined": gettext_lazy("%(name)s cannot meet you"),
    "cancelled": gettext_lazy("Meeting with %(name)s cancelled"),
}


@outbox.builder("networking_meeting")
def meeting_changed(email: OutboundEmail):
    """A 1:1 meeting asked for, answered or called off, told to one of its two people."""
    meeting = Meeting.objects.select_related("slot__event", "table", "requester", "invitee").get(
        pk=email.context["meeting"]
    )
    recipient = email.registration
    other = meeting.other(recipient)
    what = email.context["what"]
    context = {
        "what": what,
        "meeting": meeting,
        "recipient": recipient,
        "other": other,
        "meetings_url": absolute_url(reverse("networking:meetings", args=[recipient.manage_token])),
    }
    return outbox.message(
        email,
        event=meeting.slot.event,
        subject=MEETING_SUBJECTS[what] % {"name": other.full_name},
        text=render_to_string("networking/email/meeting.txt", context),
    )
