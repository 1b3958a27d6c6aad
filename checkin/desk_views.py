"""The registration desk: a browser paired as a desk device (or an organiser logged in) with a
label printer. One scan checks the person in and prints their badge; a reprint and a new badge
(lost) are a button each. The badge is part of the answer page, printed by the page's script
(Chromium started with --kiosk-printing prints without a dialog; see README).

An organiser (their own session, not a paired desk: this is organisers' work) also finds people
there to fix a name or a role, send the confirmation or the private link again and look at their
delegation, and registers someone who phones in (/balie/telefonisch/), who is not checked in.

Also the attendee's own "I have lost my badge", from the page behind their manage link."""

from functools import wraps

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from checkin import presence, services
from checkin.errors import CheckinError
from checkin.forms import CorrectPersonForm, DeskWalkInForm, PhoneInForm
from checkin.models import BadgePrint, Device, Scan
from checkin.selectors import delegation_members, matching_attendees
from events import audit, badges, selectors
from events import services as registrations
from events.errors import RegistrationError
from events.models import Registration
from events.presence import vouches_for_address
from events.selectors import bookings_of, rounds_with_choice
from events.services.registration import CORRECTABLE


def desk_required(view):
    """A paired desk browser (its cookie), or else an organiser's session. Sets `request.desk`
    (None for an organiser) and `request.event` (the desk's, or the current one)."""
    staff_view = staff_member_required(view)

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs):
        device = presence.paired_device(request)
        if device is not None and device.kind == Device.Kind.DESK:
            audit.identify(device=device)
            request.desk = device
            request.event = device.event
            return view(request, *args, **kwargs)
        request.desk = None
        request.event = selectors.current_event()
        return staff_view(request, *args, **kwargs)

    return checked


def _actor(request: HttpRequest) -> dict:
    return {"device": request.desk, "user": None if request.desk else request.user}


def layout_of(request: HttpRequest) -> str:
    """The badge layout asked for (desk and tablet alike)."""
    # The page names a stylesheet after the layout, so an unknown one falls back to the default.
    layout = request.POST.get("layout") or request.GET.get("layout") or ""
    return layout if layout in BadgePrint.Layout.values else BadgePrint.Layout.LABEL_62.value


def badge_context(registration: Registration) -> dict:
    workshop = services.first_workshop(registration)
    return {
        "registration": registration,
        "qr_svg": badges.qr_svg(registration.badge_secret),
        "workshop": workshop,
    }


def _page(request: HttpRequest, status: int = 200, **context) -> HttpResponse:
    layout = layout_of(request)
    answer = {
        "error": None,
        "scan": None,
        "refused": False,
        "badge": None,
        "person": None,
        "printed_before": None,
        "reprinted": False,
        "reissued": False,
        "walk_in": None,
        "walk_in_open": False,
        "walked_in": False,
        "organiser": None,
        **context,
    }
    if answer["walk_in"] is None:
        answer["walk_in"] = DeskWalkInForm(event=request.event, auto_id="walk-in-%s")
    if request.desk is None:
        answer["organiser"] = _organiser_search(request, answer.pop("correcting", None))
    # Whom the reprint and new-badge buttons are for.
    answer["who"] = answer["badge"]["registration"] if answer["badge"] else answer["person"]
    response = render(
        request,
        "checkin/desk.html",
        {
            "event": request.event,
            "desk": request.desk,
            "layout": layout,
            "layouts": BadgePrint.Layout.choices,
            **answer,
        },
        status=status,
    )
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@desk_required
def desk(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request)
    try:
        answer = services.check_in_and_print(
            event=request.event,
            code=request.POST.get("code", ""),
            layout=layout_of(request),
            **_actor(request),
        )
    except CheckinError as error:
        return _page(request, status=error.status, error=error.message)
    scan = answer.scan
    context = {"scan": scan, "refused": not answer.checked_in, "printed_before": answer.printed_before}
    if answer.printed is not None:
        context["badge"] = badge_context(scan.registration)
    elif answer.checked_in:
        context["person"] = scan.registration
    return _page(request, **context)


@never_cache
@require_POST
@desk_required
def walk_in(request: HttpRequest) -> HttpResponse:
    """Not registered: register, check in and print in one step (the address counts as proven:
    the person stands at the desk)."""
    event = request.event
    form = DeskWalkInForm(request.POST, event=event, auto_id="walk-in-%s")
    if not form.is_valid():
        return _page(request, status=422, walk_in=form, walk_in_open=True)
    try:
        answer = services.walk_in(
            event=event,
            layout=layout_of(request),
            language=translation.get_language(),
            proven=vouches_for_address(request, event_id=event.pk),
            **_actor(request),
            **form.cleaned_data,
        )
    except (CheckinError, RegistrationError) as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _page(request, status=error.status, walk_in=form, walk_in_open=True)
    return _page(request, scan=answer.scan, badge=badge_context(answer.scan.registration), walked_in=True)


# The organisers' part of the desk: find, correct, resend, delegation, phone-in.

# What the page says after an action (post/redirect/get: a reload repeats nothing).
DONE = {"corrected", "confirmation", "link"}


def _correction_form(registration: Registration, data=None) -> CorrectPersonForm:
    initial = {field: getattr(registration, field) for field in CORRECTABLE}
    form = CorrectPersonForm(data, initial=initial, auto_id=f"fix-{registration.pk}-%s")
    form.registration = registration  # whose form it is, when shown again with its errors
    return form


def _organiser_search(request: HttpRequest, correcting: CorrectPersonForm | None) -> dict:
    """The people found by the organiser's search, each with their correction form and, when in a
    delegation, its members; `correcting` is the form that failed, shown again with its errors."""
    query = (
        correcting.registration.reference if correcting else " ".join(request.GET.get("q", "").split())[:100]
    )
    people = list(matching_attendees(request.event, query)) if query else []
    members = {}
    for person in people:
        bound = correcting is not None and correcting.registration.pk == person.pk
        person.correction = correcting if bound else _correction_form(person)
        if person.delegation_id and person.delegation_id not in members:
            members[person.delegation_id] = delegation_members(person.delegation)
        person.delegation_members = members.get(person.delegation_id, [])
    done = request.GET.get("gedaan", "")
    return {"query": query, "people": people, "done": done if done in DONE else "", "correcting": correcting}


def organiser_required(view):
    """Organisers' work at the desk: their own session (a paired desk browser is not enough)."""

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs):
        request.desk = None
        request.event = selectors.current_event()
        return view(request, *args, **kwargs)

    return staff_member_required(checked)


def _found(done: str, registration: Registration) -> HttpResponse:
    """Back to the desk with the person shown by their reference, and what was done."""
    return redirect(f"{reverse('checkin:desk')}?{urlencode({'q': registration.reference, 'gedaan': done})}")


def _unknown(request: HttpRequest) -> HttpResponse:
    """The desk's answer to a reference it has no (confirmed) registration for."""
    return _page(request, status=404, error=Scan.Status.UNKNOWN.label)


def for_registration(view):
    """The view gets the confirmed registration the form's `reference` names (else the desk says 404)."""

    @wraps(view)
    def found(request: HttpRequest, *args, **kwargs):
        registration = _registration(request)
        if registration is None:
            return _unknown(request)
        return view(request, registration, *args, **kwargs)

    return found


@never_cache
@require_POST
@organiser_required
@for_registration
def correct(request: HttpRequest, registration: Registration) -> HttpResponse:
    """A misspelt name or a wrong role: stored and in the trail; the next badge print shows it."""
    form = _correction_form(registration, request.POST)
    if form.is_valid():
        try:
            registrations.correct_person(registration, **form.cleaned_data)
        except RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return _found("corrected", registration)
    return _page(request, status=422, correcting=form)


@never_cache
@require_POST
@organiser_required
@for_registration
def resend(request: HttpRequest, registration: Registration) -> HttpResponse:
    """The confirmation (`what=confirmation`: badge, private link, calendar) or only the private
    link (`what=link`) sent again, to the address they registered with."""
    what = request.POST.get("what")
    send = {"confirmation": registrations.resend_confirmation, "link": registrations.resend_link}.get(what)
    if send is None:
        return _page(request, status=422, error=Scan.Status.UNKNOWN.label)
    send(registration)
    return _found(what, registration)


@never_cache
@require_http_methods(["GET", "POST"])
@organiser_required
def phone_in(request: HttpRequest) -> HttpResponse:
    """Someone who phones in: registered through the registration service like anyone (mail with
    badge, seats or waiting list), not checked in. The organiser vouches for the address they heard."""
    event = request.event
    form = PhoneInForm(request.POST or None, event=event, auto_id="phone-%s")
    if request.method == "POST" and form.is_valid():
        try:
            registration, _manage_token = registrations.register(
                event=event, by_organiser=True, language=translation.get_language(), **form.cleaned_data
            )
        except RegistrationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("checkin:desk_phoned_in", reference=registration.reference)
    return render(
        request,
        "checkin/phone_in.html",
        {"event": event, "form": form, "rounds": rounds_with_choice(event, request.POST)},
        status=422 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET"])
@organiser_required
def phoned_in(request: HttpRequest, reference: str) -> HttpResponse:
    """The phone-in's result: reference, seats and waiting-list places, and the badge to print."""
    registration = (
        Registration.objects.select_related("municipality")
        .filter(event=request.event, reference=reference, status=Registration.Status.CONFIRMED)
        .first()
    )
    if registration is None:
        return _unknown(request)
    return render(
        request,
        "checkin/phoned_in.html",
        {
            "event": request.event,
            "registration": registration,
            "bookings": bookings_of(registration),
            "layout": layout_of(request),
            "layouts": BadgePrint.Layout.choices,
        },
    )


def _registration(request: HttpRequest) -> Registration | None:
    reference = request.POST.get("reference", "").strip().upper()
    return (
        Registration.objects.select_related("event", "municipality")
        .filter(event=request.event, reference=reference, status=Registration.Status.CONFIRMED)
        .first()
    )


@never_cache
@require_POST
@desk_required
@for_registration
def reprint(request: HttpRequest, registration: Registration) -> HttpResponse:
    """Another print of the badge (reprint), or, `new` set, a new badge for a lost one (reissue)."""
    try:
        if request.POST.get("new"):
            registration = services.reissue_badge(
                registration, layout=layout_of(request), **_actor(request)
            ).registration
        else:
            services.reprint_badge(registration, layout=layout_of(request), **_actor(request))
    except (CheckinError, RegistrationError) as error:
        return _page(request, status=error.status, error=error.message)
    return _page(
        request, badge=badge_context(registration), reprinted=True, reissued=bool(request.POST.get("new"))
    )


@never_cache
@require_POST
def lost_badge(request: HttpRequest, token: str) -> HttpResponse:
    """The attendee's own "I have lost my badge" (their manage link): a new badge, the old one void."""
    registration = selectors.registration_for_token(token)
    try:
        services.reissue_badge(registration)
    except RegistrationError:
        return redirect("events:manage", token=token)  # cancelled meanwhile: the page says so
    return redirect(reverse("events:manage", args=[token]) + "?nieuwe-badge=1#badge")
