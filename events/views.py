"""Public pages: programme, registration, my registration, badge, calendars."""

import tomllib
from copy import copy
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods

from config.security import embeddable
from events import attendance, badges, ical, selectors, services
from events.errors import InvalidInput, RegistrationError, ServiceError
from events.extras import ATTENDEE_PANELS, DELEGATION_PANELS, REGISTRATION_EXTRAS, with_extra_fields
from events.forms import (
    DelegationMemberPageForm,
    DelegationPageForm,
    RegistrationPageForm,
    ResendForm,
    WorkshopChoiceForm,
    clean_delegation,
)
from events.links import absolute_url, badge_image_path, calendar_path, webcal_url
from events.messaging import services as messaging
from events.models import (
    Delegation,
    DelegationInvitation,
    Event,
    InvitationCode,
    Registration,
    Theme,
    Workshop,
    max_length,
)
from events.presence import vouches_for_address
from events.questions.forms import AnswersForm
from events.questions.services import answers_of, asked_of


def home(request: HttpRequest) -> HttpResponse:
    """The day and its programme; `?ronde=<id>` and `?thema=<code>` narrow the programme down (a
    phone shows 24 workshops otherwise)."""
    event = selectors.current_event()
    all_rounds = selectors.programme(event)
    chosen_round = request.GET.get("ronde", "")
    chosen_round = int(chosen_round) if chosen_round.isdigit() else None
    chosen_theme = request.GET.get("thema", "")
    chosen_theme = chosen_theme if chosen_theme in Theme.values else ""
    rounds = []
    for round_ in all_rounds:
        if chosen_round and round_.pk != chosen_round:
            continue
        sessions = [w for w in round_.sessions if not chosen_theme or w.theme == chosen_theme]
        if sessions:
            rounds.append(copy(round_))
            rounds[-1].sessions = sessions
    return render(
        request,
        "events/home.html",
        {
            "event": event,
            "rounds": rounds,
            "all_rounds": all_rounds,
            "themes": Theme.choices,
            "chosen_round": chosen_round,
            "chosen_theme": chosen_theme,
            "filtered": bool(chosen_round or chosen_theme),
            "shown": sum(len(round_.sessions) for round_ in rounds),
            "registered": selectors.registered_count(event),
            "registration_open": event.registration_is_open(),
        },
    )


@embeddable
@require_http_methods(["GET", "HEAD"])
def embed_programme(request: HttpRequest) -> HttpResponse:
    """The programme for other sites' pages, in an iframe that events/static/events/embed.js puts
    there and sizes: compact (from 320 px wide), the seats and rooms live over /ws/programme/. Only
    the sites of settings.EMBED_ALLOWED_ORIGINS may frame it (config.security)."""
    event = selectors.current_event()
    return render(request, "events/embed.html", {"event": event, "rounds": selectors.programme(event)})


@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    event = selectors.current_event()
    # A link with `?code=` fills in the code, and the workshops show the seats it holds back.
    code_text = request.GET.get("code", "")[: max_length(InvitationCode, "code")]
    form = with_extra_fields(RegistrationPageForm)(
        request.POST or None, event=event, initial={"code": code_text}
    )
    if request.method == "POST" and form.is_valid():
        try:
            _registration, manage_token = services.register(
                event=event,
                language=translation.get_language(),
                proven=vouches_for_address(request, event_id=event.pk),
                **form.registration_data(),
            )
        except RegistrationError as error:
            form.add_error(error.field, error.message)
        except InvalidInput as error:  # the answers, checked for the role
            _add_errors(form, error)
        else:
            return redirect(reverse("events:manage", args=[manage_token]) + "?welkom=1")
    return render(
        request,
        "events/register.html",
        {
            "event": event,
            "form": form,
            "extras": list(REGISTRATION_EXTRAS),
            "rounds": selectors.rounds_with_choice(event, request.POST, code=_opening_code(form, code_text)),
            "registration_open": event.registration_is_open(),
            "resend_url": reverse("events:resend"),
        },
        status=422 if form.is_bound and form.errors else 200,
    )


def _opening_code(form: RegistrationPageForm, code_text: str) -> InvitationCode | None:
    """The invitation code the form is filled in with, if it opens anything: the one submitted
    (checked by the form, and by the service), or the one of the link the form was opened with."""
    if form.is_bound:
        return getattr(form, "cleaned_data", {}).get("code")
    code = selectors.invitation_code(form.event, code_text)
    return code if code is not None and services.code_problem(code, timezone.now()) is None else None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def resend(request: HttpRequest) -> HttpResponse:
    """ "Send my link again". The answer is the same whether or not the address is registered."""
    event = selectors.current_event()
    form = ResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.send_links(event, form.cleaned_data["email"])
        return render(request, "events/resend.html", {"event": event, "sent": form.cleaned_data["email"]})
    return render(
        request, "events/resend.html", {"event": event, "form": form}, status=422 if form.errors else 200
    )


def _link_refused(request: HttpRequest, template: str, error: RegistrationError) -> HttpResponse:
    """A mailed link that opens nothing (unknown, used, expired): its page, saying why."""
    return render(
        request, template, {"event": selectors.current_event(), "error": error.message}, status=error.status
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify_address(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the confirmation mail. Opening it shows a button: mail scanners that open every
    link must not confirm an address (or cancel another registration) by themselves."""
    try:
        registration = services.registration_for_address_token(token)
    except RegistrationError as error:
        return _link_refused(request, "events/verify_address.html", error)
    if request.method == "POST":
        try:
            registration, _replaced = services.verify_address(token)
        except RegistrationError as error:
            return render(
                request,
                "events/verify_address.html",
                {"event": registration.event, "error": error.message},
                status=error.status,
            )
        return redirect(reverse("events:manage", args=[registration.manage_token]) + "?bevestigd=1")
    return render(
        request,
        "events/verify_address.html",
        {
            "event": registration.event,
            "registration": registration,
            "others": list(services.others_with_address(registration)),
            "token": token,
        },
    )


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
            # To the notice at the top (the form's own anchor would hide it below the fold).
            return redirect(reverse("events:manage", args=[token]) + "?gewijzigd=1#status")
    bookings = selectors.bookings_of(registration)
    # What the form shows as chosen per round: a place waiting to swap is the choice made there.
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
            "programme": selectors.programme_lines(registration, bookings),
            "on_the_day": registration.event.date
            == timezone.localdate(timezone=ZoneInfo(registration.event.timezone)),
            "form": form,
            "rounds": selectors.rounds_with_choice(
                registration.event,
                request.POST if form.is_bound else current,
                code=registration.invitation_code,
            ),
            "token": token,
            "panels": list(ATTENDEE_PANELS),
            "messages_opted_out": messaging.opted_out_at(registration),
            "messages_changed": "berichten" in request.GET,
            "welcome": "welkom" in request.GET,
            "changed": "gewijzigd" in request.GET,
            "verified": "bevestigd" in request.GET,
            "proof_deadline": services.proof_deadline(registration),
            "links_renewed": "nieuwe-links" in request.GET,
            "answers": answers_of(registration),
            "questions_asked": bool(asked_of(registration.event, registration.role)),
            "answers_changed": "antwoorden" in request.GET,
            "calendar_path": calendar_path(registration),
            "webcal_url": webcal_url(absolute_url(calendar_path(registration), request)),
            "badge_image_path": badge_image_path(registration),
            "badge_png_path": badge_image_path(registration, "png"),
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


def _add_errors(form, error: InvalidInput) -> None:
    """A service's messages per field on the form's fields (`answers.<id>`), the others at the top."""
    for field, messages in error.errors.items():
        form.add_error(field if field in form.fields else None, messages)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def change_answers(request: HttpRequest, token: str) -> HttpResponse:
    """The attendee changes their answers to the organisers' questions (those of their role)."""
    registration = selectors.registration_for_token(token)
    if not registration.is_confirmed:
        return redirect("events:manage", token=token)
    # Bound on every POST: an empty one (nothing ticked) still clears the optional answers.
    form = AnswersForm(request.POST if request.method == "POST" else None, registration=registration)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_answers(registration, form.answers())
        except InvalidInput as error:
            _add_errors(form, error)
        else:
            return redirect(reverse("events:manage", args=[token]) + "?antwoorden=1#antwoorden")
    return render(
        request,
        "events/answers.html",
        {"event": registration.event, "registration": registration, "form": form, "token": token},
        status=422 if form.errors else 200,
    )


@never_cache
@require_http_methods(["POST"])
def renew_links(request: HttpRequest, token: str) -> HttpResponse:
    """New calendar and badge image links; the old ones stop working."""
    services.renew_read_only_links(selectors.registration_for_token(token))
    return redirect(reverse("events:manage", args=[token]) + "?nieuwe-links=1#agenda")


@cache_control(private=True, max_age=3600)
def badge_svg(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_for_read_only_token("badge_token", token)
    return HttpResponse(badges.qr_svg(registration.badge_secret), content_type="image/svg+xml")


@cache_control(private=True, max_age=3600)
def badge_png(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_for_read_only_token("badge_token", token)
    return HttpResponse(badges.qr_png(registration.badge_secret), content_type="image/png")


def privacy(request: HttpRequest) -> HttpResponse:
    event = Event.objects.current()
    return render(
        request,
        "events/privacy.html",
        {
            "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
            "controller": settings.PRIVACY_CONTROLLER,
            "privacy_contact": settings.PRIVACY_CONTACT_EMAIL or (event.contact_email if event else ""),
        },
    )


ACCESSIBILITY_FACTS = Path(__file__).resolve().parent / "data" / "accessibility.toml"


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (toegankelijkheidsverklaring) in the structure of the Dutch model."""
    with ACCESSIBILITY_FACTS.open("rb") as file:
        facts = tomllib.load(file)
    event = Event.objects.current()
    return render(
        request,
        "events/accessibility.html",
        {
            "site_url": settings.SITE_URL,
            "statement_date": facts["checked_on"],
            "contact": settings.PRIVACY_CONTACT_EMAIL or (event.contact_email if event else ""),
        },
    )


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
    registration = selectors.registration_for_read_only_token("calendar_token", token)
    # A calendar program fetches the feed without the attendee's cookie: their registration's language.
    with translation.override(registration.language):
        content = ical.personal_calendar(registration)
    return _calendar_response(content, f"{registration.reference}.ics")


# Empty member rows the delegation form starts with; "more rows" adds as many again.
DELEGATION_ROWS = 5
MEMBER_FIELDS = ("first_name", "last_name", "email", "role")


def _delegation_forms(request: HttpRequest, event: Event):
    data = request.POST or None
    try:
        rows = int(request.POST.get("rows", DELEGATION_ROWS))
    except ValueError:
        rows = DELEGATION_ROWS
    rows = min(max(rows, 1), Delegation.MAX_MEMBERS)
    if "more" in request.POST:
        rows = min(rows + DELEGATION_ROWS, Delegation.MAX_MEMBERS)
    form = DelegationPageForm(data, event=event)
    members = [
        DelegationMemberPageForm(
            data, prefix=f"members-{row}", event=event, empty_permitted=True, use_required_attribute=False
        )
        for row in range(rows)
    ]
    return form, members


def _delegation_input(request: HttpRequest, form, members) -> tuple[dict, list]:
    """The POSTed form in the API's shape, and the row number of each member it holds (empty
    rows are left out; a row with only answers is not empty: it is told its name is missing).
    The coordinator's answers count only while "I attend" is checked (without JavaScript the
    questions show either way)."""
    post = request.POST
    rows, people = [], []
    for row, member in enumerate(members):
        person = {field: post.get(f"{member.prefix}-{field}", "").strip() for field in MEMBER_FIELDS}
        answers = member.given_answers()
        if any(person.values()) or answers:
            rows.append(row)
            people.append({**person, "answers": answers})
    attending = bool(post.get("attending"))
    data = {
        "coordinator": {
            **{field: post.get(field, "") for field in MEMBER_FIELDS},
            "answers": form.given_answers() if attending else None,
        },
        "municipality": post.get("municipality", ""),
        "attending": attending,
        "members": people,
    }
    return data, rows


def _show_errors(errors: dict, form, members, rows: list) -> None:
    """Put clean_delegation's messages (`coordinator.email`, `coordinator.answers.7`,
    `members.3.email`, `members.3.answers.7`) on the fields."""
    for key, messages in errors.items():
        parts = key.split(".", 2)
        if parts[0] == "members" and len(parts) == 3:
            target, field = members[rows[int(parts[1])]], parts[2]
        elif parts[0] == "coordinator":
            target, field = form, key.split(".", 1)[1]
        else:
            target, field = form, key
        field = field if field in target.fields else None
        for message in messages:
            if message not in target.errors.get(field or "__all__", []):
                target.add_error(field, message)


@require_http_methods(["GET", "HEAD", "POST"])
def register_delegation(request: HttpRequest) -> HttpResponse:
    """A coordinator registers the people of their municipality (events.services.delegations)."""
    event = selectors.current_event()
    form, members = _delegation_forms(request, event)
    if request.method == "POST" and "more" not in request.POST:
        data, rows = _delegation_input(request, form, members)
        try:
            privacy_ok = form.is_valid()
            cleaned = clean_delegation(data, event)
            if privacy_ok:
                _delegation, token, _registered = services.register_delegation(
                    event=event, language=translation.get_language(), **cleaned
                )
                return redirect(reverse("events:delegation", args=[token]) + "?welkom=1")
        except InvalidInput as error:
            _show_errors(error.errors, form, members, rows)
        except RegistrationError as error:
            form.add_error(None, error.message)
    has_errors = (
        request.method == "POST"
        and "more" not in request.POST
        and (form.errors or any(member.errors for member in members))
    )
    return render(
        request,
        "events/delegation_register.html",
        {
            "event": event,
            "form": form,
            "members": members,
            "rows": len(members),
            "max_rows": Delegation.MAX_MEMBERS,
            "registration_open": event.registration_is_open(),
            "has_errors": has_errors,
        },
        status=422 if has_errors else 200,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def delegation(request: HttpRequest, token: str) -> HttpResponse:
    """The coordinator's page: the members, their choices, whether their address is proven and,
    on the day, whether they arrived; take a member off the list or send them their link again."""
    delegation = selectors.delegation_for_token(token)
    notice = ""
    refused = None  # a remove or resend the service refused: said on the page, as it is now
    adding = "add" in request.POST
    new_member = DelegationMemberPageForm(
        request.POST if adding else None, prefix="new", event=delegation.event
    )
    if adding and new_member.is_valid():
        try:
            added, _token = services.add_member(
                delegation,
                {**new_member.cleaned_data, "answers": new_member.given_answers()},
                language=translation.get_language(),
            )
        except InvalidInput as error:  # the answers, checked for the new member's role
            _add_errors(new_member, error)
        except RegistrationError as error:
            new_member.add_error(error.field if error.field in new_member.fields else None, error.message)
        else:
            notice = "uitgenodigd" if isinstance(added, DelegationInvitation) else "toegevoegd"
            return redirect(reverse("events:delegation", args=[token]) + f"?{notice}=1")
    elif request.method == "POST" and not adding:
        reference = request.POST.get("reference", "")
        try:
            if "remove" in request.POST:
                removed = services.remove_member(delegation, reference)
                if isinstance(removed, DelegationInvitation):
                    notice = "ingetrokken"
                else:  # someone who joined by invitation keeps their own registration
                    notice = "verwijderd" if not removed.is_confirmed else "uit-delegatie"
            elif "resend" in request.POST:
                services.resend_member_link(delegation, reference)
                notice = "verstuurd"
            elif "reinvite" in request.POST:
                services.resend_invitation(delegation, reference)
                notice = "opnieuw-uitgenodigd"
        except RegistrationError as error:
            # A stale page (the member was taken off meanwhile): say so above the list as it is now.
            refused = error
        else:
            return redirect(reverse("events:delegation", args=[token]) + f"?{notice}=1")
    members = list(
        delegation.members.select_related("delegation").order_by("status", "last_name", "first_name")
    )
    arrivals = attendance.entrances(member.pk for member in members)
    for member in members:
        member.choices = list(selectors.bookings_of(member)) if member.is_confirmed else []
        member.arrived_at = arrivals.get(member.pk)
    # Those asked to join who did not (yet): the name the coordinator typed, never their registration.
    invitations = delegation.invitations.exclude(accepted=True).order_by("created_at", "pk")
    return render(
        request,
        "events/delegation.html",
        {
            "event": delegation.event,
            "delegation": delegation,
            "members": members,
            "invitations": list(invitations),
            "panels": list(DELEGATION_PANELS),
            "token": token,
            "welcome": "welkom" in request.GET,
            "invited": "uitgenodigd" in request.GET,
            "removed": "verwijderd" in request.GET,
            "withdrawn": "ingetrokken" in request.GET,
            "left": "uit-delegatie" in request.GET,
            "added": "toegevoegd" in request.GET,
            "new_member": new_member,
            "resent": "verstuurd" in request.GET,
            "reinvited": "opnieuw-uitgenodigd" in request.GET,
            "refused": refused.message if refused else "",
        },
        status=refused.status if refused else 422 if new_member.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def delegation_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the mail to someone a delegation asks to join: who asks, and yes or no (a button:
    mail scanners open links)."""
    try:
        invitation = services.invitation_for_token(token)
        if request.method == "POST":
            invitation = services.answer_invitation(token, accept="accept" in request.POST)
    except RegistrationError as error:
        return _link_refused(request, "events/delegation_invitation.html", error)
    expired = invitation.state == "expired" or (
        invitation.is_open and not invitation.registration.is_confirmed
    )
    return render(
        request,
        "events/delegation_invitation.html",
        {
            "event": invitation.delegation.event,
            "invitation": invitation,
            "delegation": invitation.delegation,
            "token": token,
            "expired": expired,
        },
        status=410 if expired else 200,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify_delegation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the coordinator's mail: a button, as for a registration (mail scanners open links)."""
    try:
        delegation = services.delegation_for_address_token(token)
        if request.method == "POST":
            delegation = services.verify_delegation_address(token)
            return redirect(reverse("events:delegation", args=[delegation.manage_token]) + "?bevestigd=1")
    except RegistrationError as error:
        return _link_refused(request, "events/verify_delegation.html", error)
    return render(
        request,
        "events/verify_delegation.html",
        {"event": delegation.event, "delegation": delegation, "token": token},
    )
