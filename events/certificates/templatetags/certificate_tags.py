"""The certificate panel on an attendee's own page (registered in events.certificates.extras)."""

from django import template

from events.certificates.services import is_available

register = template.Library()


@register.inclusion_tag("events/certificates/_panel_body.html", takes_context=True)
def certificate_panel(context) -> dict:
    registration = context["registration"]
    request = context.get("request")
    return {
        "available": is_available(registration),
        "token": context["token"],
        "sent": bool(request and request.GET.get("certificaat") == "verstuurd"),
        "email": registration.email,
        "csrf_token": context.get("csrf_token"),
    }
