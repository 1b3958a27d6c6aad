"""Pages of the networking app: municipality signup (kiosk), the wall, the attendee directory,
an attendee's directory profile and contacts, and the connect flow from a scanned QR."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from events import badges
from events.errors import ServiceError
from events.forms import DirectoryProfileForm
from events.links import absolute_url
from events.models import Municipality, Registration, secret_hash
from events.selectors import current_event, registration_for_token
from networking import selectors, services, vcard
from networking.errors import ContactError
from networking.forms import DirectoryFilterForm, SignupPageForm, municipality_label
from networking.models import NETWORK_SLUG, Contact

# Remembers whose phone this is, so that a connect code scanned with it knows who asks. Set when
# the attendee's own page shows their connect code; signed and httpOnly, holds their manage token.
PHONE_COOKIE = "dld_phone"
PHONE_COOKIE_SALT = "networking.phone"
PHONE_COOKIE_AGE = 60 * 60 * 24 * 60

# Seconds the kiosk shows a result before it returns to an empty form; `?reset=` overrides it
# within these bounds (tests, a busy stand).
KIOSK_RESET_SECONDS = 20
KIOSK_RESET_BOUNDS = (1, 300)
# Seconds of no touch after which the kiosk clears a half-filled form.
KIOSK_IDLE_SECONDS = 120


def _kiosk_reset_seconds(request: HttpRequest) -> int:
    try:
        seconds = int(request.GET.get("reset", KIOSK_RESET_SECONDS))
    except ValueError:
        seconds = KIOSK_RESET_SECONDS
    low, high = KIOSK_RESET_BOUNDS
    return min(max(seconds, low), high)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    event = current_event()
    kiosk = request.GET.get("kiosk") == "1"
    form = SignupPageForm(request.POST or None, event=event)
    context = {
        "event": event,
        "form": form,
        "kiosk": kiosk,
        "reset_seconds": _kiosk_reset_seconds(request),
        "idle_seconds": KIOSK_IDLE_SECONDS,
        "form_url": request.get_full_path(),
        "empty_form_url": request.get_full_path(),
    }
    if request.method == "POST" and form.is_valid():
        try:
            result = services.sign_up(event=event, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            return render(request, "networking/signup_done.html", {**context, "result": result})
    offers = {offer["slug"]: offer for offer in selectors.offers(event)}
    context["offer_choices"] = [
        (choice, offers[str(choice.data["value"])])
        for choice in form["offers"]
        if str(choice.data["value"]) in offers
    ]
    context["municipality_labels"] = [municipality_label(m) for m in Municipality.objects.all()]
    return render(
        request, "networking/signup.html", context, status=422 if form.is_bound and form.errors else 200
    )


def wall(request: HttpRequest) -> HttpResponse:
    event = current_event()
    signup_url = absolute_url(reverse("networking:signup"), request)
    return render(
        request,
        "networking/wall.html",
        {
            "event": event,
            "members": selectors.network_members(event),
            "offers": selectors.offers(event),
            "signup_url": signup_url,
            "signup_qr": badges.link_qr_svg(signup_url),
            "network_slug": NETWORK_SLUG,
        },
    )


def _directory_page(
    request: HttpRequest, *, event, viewer: Registration | None, token: str = ""
) -> HttpResponse:
    allowed = viewer is None or selectors.may_see_directory(viewer)
    filters = DirectoryFilterForm(request.GET or None)
    entries, suggestions = [], []
    if allowed and (not filters.is_bound or filters.is_valid()):
        chosen = filters.cleaned_data if filters.is_bound else {}
        entries = selectors.directory(
            event,
            viewer=viewer,
            role=chosen.get("role", ""),
            province=chosen.get("province", ""),
            interest=chosen.get("interest", ""),
        )
        if viewer is not None:
            suggestions = selectors.suggestions(viewer)
    return render(
        request,
        "networking/directory.html",
        {
            "event": event,
            "viewer": viewer,
            "token": token,
            "allowed": allowed,
            "filters": filters,
            "entries": entries,
            "suggestions": suggestions,
            "filtered": filters.is_bound,
        },
    )


@never_cache
def attendee_directory(request: HttpRequest, token: str) -> HttpResponse:
    viewer = registration_for_token(token)
    return _directory_page(request, event=viewer.event, viewer=viewer, token=token)


@never_cache
@staff_member_required
def staff_directory(request: HttpRequest) -> HttpResponse:
    return _directory_page(request, event=current_event(), viewer=None)


def _manage_url(token: str, anchor: str, flag: str = "") -> str:
    return reverse("events:manage", args=[token]) + (f"?netwerk={flag}" if flag else "") + f"#{anchor}"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def directory_profile(request: HttpRequest, token: str) -> HttpResponse:
    registration = registration_for_token(token)
    if request.method != "POST":
        return redirect(_manage_url(token, "netwerken"))
    form = DirectoryProfileForm(request.POST)
    if form.is_valid():
        services.update_directory_profile(registration, **form.cleaned_data)
        return redirect(_manage_url(token, "netwerken", "opgeslagen"))
    return render(
        request,
        "networking/profile.html",
        {"event": registration.event, "registration": registration, "token": token, "form": form},
        status=422,
    )


@never_cache
def connect_qr(request: HttpRequest, token: str) -> HttpResponse:
    """The attendee's connect code as SVG. Shown on their own page, so it also marks this browser
    as theirs: a code they scan next with this phone is a request from them."""
    registration = registration_for_token(token)
    if not registration.is_confirmed:
        raise Http404("cancelled")
    code = services.connect_code_for(registration)
    url = absolute_url(reverse("networking:connect", args=[code.secret]), request)
    response = HttpResponse(badges.link_qr_svg(url), content_type="image/svg+xml")
    response.set_signed_cookie(
        PHONE_COOKIE,
        token,
        salt=PHONE_COOKIE_SALT,
        max_age=PHONE_COOKIE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    return response


def phone_owner(request: HttpRequest) -> tuple[Registration | None, str]:
    """(registration, manage token) of whoever marked this browser as theirs, if still attending."""
    token = request.get_signed_cookie(
        PHONE_COOKIE, default="", salt=PHONE_COOKIE_SALT, max_age=PHONE_COOKIE_AGE
    )
    if not token:
        return None, ""
    registration = Registration.objects.filter(
        manage_token_hash=secret_hash(token), status=Registration.Status.CONFIRMED
    ).first()
    return (registration, token) if registration else (None, "")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def connect(request: HttpRequest, secret: str) -> HttpResponse:
    event = current_event()
    try:
        owner = services.owner_of_connect_code(secret)
    except ContactError:
        return render(
            request, "networking/connect.html", {"event": event, "state": "unknown_code"}, status=404
        )
    me, my_token = phone_owner(request)
    context = {"event": event, "me": me, "my_token": my_token}
    if me is None:
        return render(request, "networking/connect.html", {**context, "state": "unknown_me"})
    if me.pk == owner.pk:
        return render(request, "networking/connect.html", {**context, "state": "own_code"})
    if request.method == "POST":
        note = " ".join(request.POST.get("note", "").split())[:200]
        contact = services.request_contact(requester=me, secret=secret, note=note)
    else:
        contact = (
            Contact.objects.filter(requester=me, recipient=owner).first()
            or Contact.objects.filter(requester=owner, recipient=me).first()
        )
    if contact is None:
        state = "ask"
    elif contact.status == Contact.Status.ACCEPTED:
        state = "connected"
    elif contact.requester_id == me.pk:
        state = "sent"
    else:
        state = "they_asked"  # scanning back accepts: POST above
    return render(
        request,
        "networking/connect.html",
        {**context, "state": state, "contact": contact, "other": owner if state == "connected" else None},
    )


@require_POST
def accept_contact(request: HttpRequest, token: str, contact_id: int) -> HttpResponse:
    registration = registration_for_token(token)
    try:
        services.accept_contact(registration=registration, contact_id=contact_id)
    except ContactError as error:
        raise Http404(error.code) from error
    return redirect(_manage_url(token, "contacten", "geaccepteerd"))


@require_POST
def remove_contact(request: HttpRequest, token: str, contact_id: int) -> HttpResponse:
    registration = registration_for_token(token)
    try:
        services.remove_contact(registration=registration, contact_id=contact_id)
    except ContactError as error:
        raise Http404(error.code) from error
    return redirect(_manage_url(token, "contacten", "verwijderd"))


@require_POST
def forget_phone(request: HttpRequest, token: str) -> HttpResponse:
    registration_for_token(token)
    response = redirect(_manage_url(token, "contacten", "vergeten"))
    response.delete_cookie(PHONE_COOKIE, samesite="Lax")
    return response


@never_cache
def contacts_vcf(request: HttpRequest, token: str) -> HttpResponse:
    registration = registration_for_token(token)
    response = HttpResponse(
        vcard.cards(selectors.accepted_contacts(registration)), content_type="text/vcard; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="contacten-{registration.reference}.vcf"'
    return response
