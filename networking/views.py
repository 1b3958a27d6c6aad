"""Pages of the networking app: municipality signup (kiosk), the wall, the attendee directory,
an attendee's directory profile and contacts, and the connect flow from a scanned QR."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from events import badges
from events.errors import ServiceError
from events.links import absolute_url
from events.models import Municipality, Registration, max_length, secret_hash
from events.presence import in_person
from events.selectors import current_event, registration_for_token
from networking import selectors, services, vcard
from networking.errors import ContactError, SignupError
from networking.forms import DirectoryFilterForm, DirectoryProfileForm, SignupPageForm, municipality_label
from networking.meetings import selectors as meeting_selectors
from networking.meetings import services as meeting_services
from networking.meetings.views import IntakeForm, change_or_refusal, invalid_intake_form
from networking.models import NETWORK_SLUG, Contact, Signup
from networking.phone import forget_phone, phone_token, remember_phone
from networking.services import signups as signup_services

# Seconds the kiosk shows a result before it returns to an empty form; `?reset=` overrides it
# within these bounds (tests, a busy stand).
KIOSK_RESET_SECONDS = 20
KIOSK_RESET_BOUNDS = (1, 300)
# Seconds of no touch after which the kiosk clears a half-filled form.
KIOSK_IDLE_SECONDS = 120
# Offer descriptions longer than this many words are folded (the start shown, the rest one tap away).
FOLD_WORDS = 60


def _opening(event) -> str:
    """Whether the day the network opens is today, still to come or past (in the event's time zone)."""
    today = timezone.localdate()
    return "today" if event.date == today else "before" if event.date > today else "after"


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
        "opening": _opening(event),
        "event_name": event.name,
        "fold_words": FOLD_WORDS,
        "staff": request.user.is_authenticated and request.user.is_staff,
        "kiosk_url": reverse("networking:signup") + "?kiosk=1",
        "idle_minutes": KIOSK_IDLE_SECONDS // 60,
    }
    if request.method == "POST" and form.is_valid():
        try:
            result = services.sign_up(
                event=event, **form.cleaned_data, in_person=in_person(request, event_id=event.pk)
            )
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            return render(
                request,
                "networking/signup_done.html",
                {**context, "result": result, "proof_hours": settings.SIGNUP_PROOF_HOURS},
            )
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


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify_signup_address(request: HttpRequest, token: str) -> HttpResponse:
    """The proof link in a signup mail. Opening it shows a button: mail scanners that open every
    link must not prove an address by themselves."""
    try:
        contact = services.contact_for_proof_token(token)
        if request.method == "POST":
            contact = services.verify_contact_address(token)
    except SignupError as error:
        return render(
            request,
            "networking/signup_verify.html",
            {"event": current_event(), "error": error.message},
            status=error.status,
        )
    return render(
        request,
        "networking/signup_verify.html",
        {
            "event": contact.signup.offer.event,
            "contact": contact,
            "municipality": contact.signup.municipality,
            "token": token,
            "verified": request.method == "POST",
        },
    )


def _signup_manage_page(request: HttpRequest, token: str, *, status: int = 200, **extra) -> HttpResponse:
    contact = services.contact_for_manage_token(token)
    signup = contact.signup
    event = signup.offer.event
    context = {"event": event, "contact": contact, "municipality": signup.municipality, "token": token}
    if contact.admitted:
        signups = list(
            Signup.objects.filter(offer__event=event, municipality=signup.municipality)
            .select_related("offer")
            .order_by("offer__position", "offer__title")
        )
        for each in signups:
            each.position = each.waitlist_position()
            each.deadline = signup_services.proof_deadline(each)
        context.update(
            signups=signups,
            reference=signup.reference,
            pending=signup_services.pending_contacts(contact),
            may_accept=contact.address_verified,
            intake=meeting_selectors.intake_panel(event.pk, signup.municipality),
        )
    return render(request, "networking/signup_manage.html", {**context, **extra}, status=status)


@never_cache
def manage_signup(request: HttpRequest, token: str) -> HttpResponse:
    """The private link to a municipality's signups, as one of its contacts sees them: everything
    once admitted, else only that their request waits."""
    try:
        return _signup_manage_page(request, token, flag=request.GET.get("klaar", ""))
    except SignupError as error:
        raise Http404(error.code) from error


@require_POST
def accept_signup_contact(request: HttpRequest, token: str, contact_id: int) -> HttpResponse:
    try:
        contact = services.contact_for_manage_token(token)
    except SignupError as error:
        raise Http404(error.code) from error
    pending = next((row for row in signup_services.pending_contacts(contact) if row.pk == contact_id), None)
    if not contact.admitted or pending is None:
        raise Http404("unknown_contact")
    try:
        services.admit_contact(pending=pending, by=contact)
    except SignupError as error:
        return _signup_manage_page(request, token, status=error.status, error=error.message)
    return redirect(reverse("networking:manage", args=[token]) + "?klaar=geaccepteerd")


def _signup_intake_change(request: HttpRequest, token: str, change, flag: str) -> HttpResponse:
    """Book or cancel one of the municipality's intakes from the signup's private page (the
    services admit admitted contacts only); a refusal shows the page again with its message and,
    for a slot taken meanwhile, the adviser's other times."""
    try:
        contact = services.contact_for_manage_token(token)
    except SignupError as error:
        raise Http404(error.code) from error
    return change_or_refusal(
        lambda: change(contact),
        lambda error: _signup_manage_page(
            request, token, status=error.status, error=error.message, alternatives=error.alternatives
        ),
        reverse("networking:manage", args=[token]) + f"?klaar={flag}#intake",
    )


@require_POST
def book_signup_intake(request: HttpRequest, token: str) -> HttpResponse:
    form = IntakeForm(request.POST)

    def book(contact):
        if not form.is_valid():
            raise invalid_intake_form()
        meeting_services.book_intake(
            municipality=contact.signup.municipality,
            contact=contact,
            adviser_id=form.cleaned_data["adviser"],
            slot_id=form.cleaned_data["slot"],
        )

    return _signup_intake_change(request, token, book, "intake")


@require_POST
def cancel_signup_intake(request: HttpRequest, token: str, intake_id: int) -> HttpResponse:
    return _signup_intake_change(
        request,
        token,
        lambda contact: meeting_services.cancel_intake(intake_id=intake_id, contact=contact),
        "intake-geannuleerd",
    )


@require_POST
def withdraw_signup(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    """The municipality withdraws from one offer; its place goes to the first on the waitlist."""
    try:
        contact = services.contact_for_manage_token(token)
        signup = services.signup_of_contact(contact, slug)
    except SignupError as error:
        raise Http404(error.code) from error
    services.withdraw(contact=contact, signup=signup)
    try:
        return _signup_manage_page(request, token, flag="afgemeld", withdrawn=signup.offer.title)
    except SignupError:  # that was the person's last signup: their link ends with it
        return render(
            request,
            "networking/signup_manage.html",
            {
                "event": signup.offer.event,
                "municipality": signup.municipality,
                "withdrawn": signup.offer.title,
            },
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
            "map": selectors.map_drawing(event),
        },
    )


def network_map(request: HttpRequest) -> HttpResponse:
    event = current_event()
    return render(request, "networking/map.html", {"event": event, "map": selectors.map_drawing(event)})


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
            name=chosen.get("name", ""),
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
            # Entries get "Ask for a meeting" while slots are still to come.
            "meetings_open": viewer is not None and allowed and meeting_selectors.has_slots(event),
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
    """The attendee's connect code as SVG, for someone else's phone to scan."""
    registration = registration_for_token(token)
    if not registration.is_confirmed:
        raise Http404("cancelled")
    code = services.connect_code_for(registration)
    url = absolute_url(reverse("networking:connect", args=[code.secret]), request)
    return HttpResponse(badges.link_qr_svg(url), content_type="image/svg+xml")


@require_POST
def use_phone(request: HttpRequest, token: str) -> HttpResponse:
    """ "Use this phone": this browser is the attendee's from now on, so a connect code scanned with
    it is a request from them."""
    registration = registration_for_token(token)
    if not registration.is_confirmed:
        raise Http404("cancelled")
    response = redirect(_manage_url(token, "verbindcode", "toestel"))
    remember_phone(response, token)
    return response


def phone_owner(request: HttpRequest) -> tuple[Registration | None, str]:
    """(registration, manage token) of whoever marked this browser as theirs, if still attending."""
    token = phone_token(request)
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
        note = " ".join(request.POST.get("note", "").split())[: max_length(Contact, "note")]
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
        # The name of the person whose code was scanned: they showed it; the rest once accepted.
        {
            **context,
            "state": state,
            "contact": contact,
            "owner": owner,
            "other": owner if state == "connected" else None,
        },
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
def forget_this_phone(request: HttpRequest, token: str) -> HttpResponse:
    registration_for_token(token)
    response = redirect(_manage_url(token, "contacten", "vergeten"))
    forget_phone(response)
    return response


@never_cache
def contacts_vcf(request: HttpRequest, token: str) -> HttpResponse:
    registration = registration_for_token(token)
    response = HttpResponse(
        vcard.cards(selectors.accepted_contacts(registration)), content_type="text/vcard; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="contacten-{registration.reference}.vcf"'
    return response
