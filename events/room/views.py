"""Pages in the room: the voter's page, the session page reached by the room code, the big screen,
the moderator's page and the organisers' overview. The pages render what is there now; their
modules follow the room's socket (/ws/room/<code>/) and act through the API."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from config.cookies import set_private_cookie
from events import badges, selectors
from events.links import absolute_url
from events.models import Workshop
from events.room import selectors as room_selectors
from events.room import services
from events.room.models import LiveRoom, Poll, QuestionVote, Vote

# Remembers whose phone this is for the room pages, so the code on the screen leads straight to
# the attendee's voting page: asked once (their private link), signed and httpOnly.
ROOM_COOKIE = "dld_room"
ROOM_COOKIE_SALT = "events.room"
ROOM_COOKIE_AGE = 60 * 60 * 24 * 7


def _room(room_code: str) -> LiveRoom:
    room = (
        LiveRoom.objects.select_related("workshop__room", "workshop__round__event")
        .filter(code=room_code.upper())
        .first()
    )
    if room is None:
        raise Http404("unknown room code")
    return room


def _token_from(text: str) -> str:
    """The token of a pasted private link (…/r/<token>/…), or the text itself."""
    text = text.strip()
    if "/r/" in text:
        text = text.split("/r/", 1)[1]
    return text.split("/", 1)[0].split("?", 1)[0]


def _cookie_owner(request: HttpRequest) -> str:
    token = request.get_signed_cookie(ROOM_COOKIE, default="", salt=ROOM_COOKIE_SALT, max_age=ROOM_COOKIE_AGE)
    try:
        return token if token and selectors.registration_for_token(token).is_confirmed else ""
    except Http404:
        return ""


def _remember(response: HttpResponse, token: str) -> HttpResponse:
    set_private_cookie(response, ROOM_COOKIE, token, salt=ROOM_COOKIE_SALT, max_age=ROOM_COOKIE_AGE)
    return response


@never_cache
def enter(request: HttpRequest) -> HttpResponse:
    """Type the code from the screen."""
    code = request.GET.get("code", "").strip().upper()
    if code:
        if LiveRoom.objects.filter(code=code).exists():
            return redirect("events:room_session", room_code=code)
        return render(request, "events/room/enter.html", {"code": code, "unknown": True}, status=404)
    return render(request, "events/room/enter.html", {"code": ""})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def session(request: HttpRequest, room_code: str) -> HttpResponse:
    """Where the QR on the screen leads: the attendee's voting page once we know who they are."""
    room = _room(room_code)
    token = _cookie_owner(request)
    unknown_link = False
    if not token and request.method == "POST":
        try:
            registration = selectors.registration_for_token(_token_from(request.POST.get("link", "")))
        except Http404:
            unknown_link = True
        else:
            token = registration.manage_token if registration.is_confirmed else ""
            unknown_link = not token
    if token:
        return _remember(redirect("events:room_vote", token=token, room_code=room.code), token)
    return render(
        request,
        "events/room/session.html",
        {
            "room": room,
            "workshop": room.workshop,
            "event": room.workshop.round.event,
            "unknown_link": unknown_link,
        },
        status=422 if unknown_link else 200,
    )


@never_cache
def vote_page(request: HttpRequest, token: str, room_code: str) -> HttpResponse:
    registration = selectors.registration_for_token(token)
    room = _room(room_code)
    if room.workshop.round.event_id != registration.event_id:
        raise Http404("room of another event")
    mine = dict(
        Vote.objects.filter(registration=registration, poll__room=room).values_list("poll_id", "choices")
    )
    response = render(
        request,
        "events/room/vote.html",
        {
            "event": registration.event,
            "registration": registration,
            "room": room,
            "workshop": room.workshop,
            "token": token,
            "page_data": {
                "room": room.code,
                "session": room.workshop.pk,
                "token": token,
                "attending": registration.is_confirmed,
                "mine": {str(poll): choices for poll, choices in mine.items()},
                "upvoted": list(
                    QuestionVote.objects.filter(registration=registration, question__room=room).values_list(
                        "question_id", flat=True
                    )
                ),
            },
        },
    )
    return _remember(response, token) if registration.is_confirmed else response


@never_cache
def vote_enter(request: HttpRequest, token: str) -> HttpResponse:
    """The form on the attendee's page: a room code → that room's voting page."""
    selectors.registration_for_token(token)
    code = request.GET.get("code", "").strip().upper()
    if LiveRoom.objects.filter(code=code).exists():
        return redirect("events:room_vote", token=token, room_code=code)
    return redirect(reverse("events:manage", args=[token]) + "?zaalcode=onbekend#zaal")


def screen(request: HttpRequest, room_code: str) -> HttpResponse:
    """The projector: results of the poll under way and approved questions by votes, live."""
    room = _room(room_code)
    join_url = absolute_url(reverse("events:room_session", args=[room.code]), request)
    return render(
        request,
        "events/room/screen.html",
        {
            "room": room,
            "workshop": room.workshop,
            "event": room.workshop.round.event,
            "join_url": join_url,
            "join_qr": badges.link_qr_svg(join_url),
            "snapshot": room_selectors.snapshot(room),
        },
    )


def _moderator_page(request: HttpRequest, room: LiveRoom, token: str) -> HttpResponse:
    return render(
        request,
        "events/room/moderator.html",
        {
            "room": room,
            "workshop": room.workshop,
            "event": room.workshop.round.event,
            "kinds": Poll.Kind.choices,
            "screen_url": reverse("events:room_screen", args=[room.code]),
            "page_data": {"room": room.code, "session": room.workshop.pk, "token": token},
        },
    )


@never_cache
def moderator(request: HttpRequest, token: str) -> HttpResponse:
    """A speaker's private moderator page (the link an organiser made for the session)."""
    room = services.room_for_moderator_token(token)
    if room is None:
        raise Http404("unknown moderator link")
    return _moderator_page(request, room, token)


@never_cache
@staff_member_required
def organiser_moderator(request: HttpRequest, room_code: str) -> HttpResponse:
    return _moderator_page(request, _room(room_code), "")


@never_cache
@staff_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def overview(request: HttpRequest) -> HttpResponse:
    """Organisers: every session with its room code, screen and moderator page; a new moderator
    link on request (shown once)."""
    event = selectors.current_event()
    new_link = None
    if request.method == "POST":
        workshop = Workshop.objects.filter(
            pk=request.POST.get("workshop", "0") or 0, round__event=event
        ).first()
        if workshop is None:
            raise Http404("unknown session")
        _room_made, token = services.new_moderator_token(workshop)
        new_link = {
            "workshop": workshop.pk,
            "url": absolute_url(reverse("events:room_moderator", args=[token]), request),
        }
    sessions = list(Workshop.objects.programme(event).filter(status=Workshop.Status.SCHEDULED))
    rooms = services.rooms_for(sessions)
    for workshop in sessions:
        workshop.live = rooms[workshop.pk]
    return render(
        request,
        "events/room/overview.html",
        {"event": event, "sessions": sessions, "new_link": new_link},
    )
