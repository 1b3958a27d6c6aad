"""The certificate from the attendee's page (download or by mail) and the public check of a code."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from events import selectors
from events.certificates import pdf, services
from events.errors import ServiceError


def _refused(request: HttpRequest, error: ServiceError, token: str) -> HttpResponse:
    return render(
        request,
        "events/certificates/refused.html",
        {"message": error.message, "token": token},
        status=error.status,
    )


@never_cache
def download(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_for_token(token)
    try:
        certificate = services.issue(registration)
    except ServiceError as error:
        return _refused(request, error, token)
    response = HttpResponse(pdf.render(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bewijs-van-deelname-{registration.reference}.pdf"'
    return response


@never_cache
@require_POST
def send(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_for_token(token)
    try:
        services.mail(registration)
    except ServiceError as error:
        return _refused(request, error, token)
    return redirect(reverse("events:manage", args=[token]) + "?certificaat=verstuurd#certificaat")


@never_cache
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: valid or not, and for a valid code only the name and the sessions."""
    found = services.verify(code)
    context = {"code": services.normalised(code)[:20], "valid": found is not None}
    if found:
        registration, sessions = found
        context |= {
            "name": registration.full_name,
            "event": registration.event,
            "sessions": [(session, pdf.duration(session.minutes)) for session in sessions],
            "total": pdf.duration(services.total_minutes(sessions)),
        }
    response = render(request, "events/certificates/verify.html", context, status=200 if found else 404)
    response["X-Robots-Tag"] = "noindex"
    return response
