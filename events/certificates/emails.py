"""The certificate by mail, on the attendee's request (events.certificates.services.mail)."""

from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events import outbox
from events.certificates import pdf
from events.certificates.models import Certificate
from events.links import absolute_url
from events.models import OutboundEmail


@outbox.builder("certificate")
def certificate_mail(email: OutboundEmail):
    registration = email.registration
    event = registration.event
    certificate = Certificate.objects.select_related("registration__event").get(registration=registration)
    with timezone.override(ZoneInfo(event.timezone)):
        context = {
            "registration": registration,
            "event": event,
            "verify_url": pdf.verification_url(certificate),
            "manage_url": absolute_url(reverse("events:manage", args=[registration.manage_token])),
        }
        message = outbox.message(
            email,
            event=event,
            subject=_("Your certificate of attendance for %(event)s") % {"event": event.name},
            text=render_to_string("events/certificates/email/certificate.txt", context),
            html=render_to_string("events/certificates/email/certificate.html", context),
        )
    message.attach(
        f"bewijs-van-deelname-{registration.reference}.pdf", pdf.render(certificate), "application/pdf"
    )
    return message
