"""Public pages: programme, registration, my registration, badge, calendars."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods

from events import badges, ical, selectors, services
from events.errors import RegistrationError, ServiceError
from events.forms import RegistrationPageForm, WorkshopChoiceForm
from events.models import Registration, Workshop


def home(request: HttpRequest) -> HttpResponse:
    event = selectors.current_event()
    return render(
        request,
        "events/home.html",
        {
            "event": event,
            "rounds": selectors.programme(event),
            "registered": selectors.registered_count(event),
            "registration_open": event.registration_is_open(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    event = selectors.current_event()
    form = RegistrationPageForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "privacy"}
        try:
            _registration, manage_token = services.register(event=event, **data)
        except RegistrationError as error:
            form.add_error(error.field, error.message)
        else:
            return redirect(reverse("events:manage", args=[manage_token]) + "?welkom=1")
    return render(
        request,
        "events/register.html",
        {
            "event": event,
            "form": form,
            "rounds": _rounds_with_choice(event, request.POST),
            "registration_open": event.registration_is_open(),
        },
        status=422 if form.is_bound and form.errors else 200,
    )


def _rounds_with_choice(event, data) -> list:
    """Workshop rounds, each with the workshop id the form chose in it (`round.chosen`)."""
    rounds = [round_ for round_ in selectors.programme(event) if round_.is_bookable]
    for round_ in rounds:
        round_.chosen = data.get(f"round-{round_.pk}", "")
    return rounds


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_for_token(token)
    form = WorkshopChoiceForm(request.POST or None, event=registration.event)
    if request.method == "POST" and registration.is_confirmed and form.is_valid():
        try:
            services.change_workshops(registration, form.cleaned_data["workshops"])
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            return redirect(reverse("events:manage", args=[token]) + "?gewijzigd=1")
    bookings = list(
        registration.bookings.select_related("workshop__room", "workshop__round").order_by("round__starts_at")
    )
    for booking in bookings:
        booking.position = booking.waitlist_position()
    current = {
        f"round-{booking.round_id}": str(booking.workshop_id)
        for booking in bookings
        if booking.status != booking.Status.WORKSHOP_CANCELLED
    }
    return render(
        request,
        "events/manage.html",
        {
            "event": registration.event,
            "registration": registration,
            "bookings": bookings,
            "form": form,
            "rounds": _rounds_with_choice(registration.event, request.POST if form.is_bound else current),
            "token": token,
            "welcome": "welkom" in request.GET,
            "changed": "gewijzigd" in request.GET,
            "webcal_url": request.build_absolute_uri(reverse("events:personal_ics", args=[token]))
            .replace("https://", "webcal://")
            .replace("http://", "webcal://"),
        },
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """A confirmation step, then the whole registration is cancelled."""
    registration = selectors.registration_for_token(token)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.cancel_registration(registration)
        return redirect("events:manage", token=token)
    return render(
        request,
        "events/cancel.html",
        {"event": registration.event, "registration": registration, "token": token},
    )


def badge_page(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_for_token(token)
    return render(
        request,
        "events/badge.html",
        {
            "event": registration.event,
            "registration": registration,
            "qr_svg": badges.qr_svg(registration.badge_secret),
        },
    )


@cache_control(private=True, max_age=3600)
def badge_svg(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_for_token(token)
    return HttpResponse(badges.qr_svg(registration.badge_secret), content_type="image/svg+xml")


@cache_control(private=True, max_age=3600)
def badge_png(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_for_token(token)
    return HttpResponse(badges.qr_png(registration.badge_secret), content_type="image/png")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "events/privacy.html", {"retention_days": settings.PERSONAL_DATA_RETENTION_DAYS})


def personal_data_download(registration: Registration) -> JsonResponse:
    """Everything held about the attendee, as a JSON file to keep or take elsewhere (also the
    organisers' admin action)."""
    response = JsonResponse(selectors.personal_data(registration), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="gegevens-{registration.reference}.json"'
    return response


@never_cache
def personal_data(request: HttpRequest, token: str) -> HttpResponse:
    return personal_data_download(selectors.registration_for_token(token))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def erase(request: HttpRequest, token: str) -> HttpResponse:
    """A confirmation step, then everything held about the attendee is erased (the link stops working)."""
    registration = selectors.registration_for_token(token)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        services.erase_registration(registration)
        return redirect("events:erased")
    return render(
        request,
        "events/erase.html",
        {"event": registration.event, "registration": registration, "token": token},
    )


def erased(request: HttpRequest) -> HttpResponse:
    return render(request, "events/erased.html")


def _calendar_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-cache"
    return response


def programme_ics(request: HttpRequest) -> HttpResponse:
    event = selectors.current_event()
    return _calendar_response(ical.programme_calendar(event), f"{event.slug}.ics")


def workshop_ics(request: HttpRequest, uid) -> HttpResponse:
    workshop = get_object_or_404(Workshop.objects.select_related("round__event", "room"), uid=uid)
    return _calendar_response(ical.workshop_calendar(workshop), f"{workshop.slug}.ics")


def personal_ics(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_for_token(token)
    return _calendar_response(ical.personal_calendar(registration), f"{registration.reference}.ics")
