"""The self check-in tablet at the entrance (/zelf/): a browser paired as a device of kind `self`.

The attendee holds up their QR (the page's script reads it with the camera and posts it) or types
their reference and last name; the answer page shows only their own answer and, when there is a
badge to print, prints it with the desk's label layout (Chromium with --kiosk-printing prints
without a dialog; see README). Every page goes back to the start by itself (checkin/selfcheckin.js).

The label is chosen once in the tablet's start address (`?layout=card`, as the desk's labels);
the language per person (the switch on the screen, else the browser's), so that the next person
starts in the tablet's own language again.
"""

from functools import wraps
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from checkin import presence, services
from checkin.desk_views import badge_context, layout_of
from checkin.errors import CheckinError
from checkin.models import BadgePrint, Device
from events import audit

LANGUAGES = ("nl", "en")
# Errors after which the start screen stays, with the reference typed (the name was missing).
FORM_ERRORS = {"last_name_required", "code_required"}
# Seconds an answer stays on the screen (longer when it offers a button), and how long a start
# screen someone began to fill in waits before it is cleared.
ANSWER_SECONDS = 10
ANSWER_WITH_BUTTON_SECONDS = 20
IDLE_SECONDS = 45


def tablet_required(view):
    """A browser paired as a self check-in tablet (its cookie); anyone else is told to pair it."""

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs):
        device = presence.paired_device(request)
        if device is None or device.kind != Device.Kind.SELF:
            return render(request, "checkin/self_checkin.html", {"unpaired": True}, status=403)
        audit.identify(device=device)
        request.tablet = device
        return view(request, *args, **kwargs)

    return checked


def _language(request: HttpRequest) -> str:
    """The language this person chose on the screen, else the tablet browser's."""
    chosen = request.POST.get("taal") or request.GET.get("taal") or ""
    return chosen if chosen in LANGUAGES else translation.get_language()


def _page(
    request: HttpRequest, answer: services.SelfAnswer | None = None, status: int = 200, **context
) -> HttpResponse:
    layout = layout_of(request)
    language = _language(request)
    start_screen = answer is None and context.get("error_code") in (None, *FORM_ERRORS)
    if start_screen:
        reset_seconds = 0
    elif answer is not None and answer.reprint_proof:
        reset_seconds = ANSWER_WITH_BUTTON_SECONDS
    else:
        reset_seconds = ANSWER_SECONDS
    start = reverse("checkin:self_checkin")
    kept = {"layout": layout} if layout != BadgePrint.Layout.LABEL_62 else {}
    other = "en" if language == "nl" else "nl"
    with translation.override(language):
        response = render(
            request,
            "checkin/self_checkin.html",
            {
                "event": request.tablet.event,
                "layout": layout,
                "language": language,
                "other_language": other,
                "chose_language": bool(request.POST.get("taal") or request.GET.get("taal")),
                "start_url": start + ("?" + urlencode(kept) if kept else ""),
                "switch_url": start + "?" + urlencode({**kept, "taal": other}),
                "answer": answer,
                "start_screen": start_screen,
                "reset_seconds": reset_seconds,
                "idle_seconds": IDLE_SECONDS,
                "badge": badge_context(answer.registration) if answer and answer.printed else None,
                "wasm_url": static("checkin/vendor/zxing-wasm/zxing_reader.wasm"),
                **context,
            },
            status=status,
        )
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@tablet_required
def self_checkin(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request)
    try:
        answer = services.self_check_in(
            device=request.tablet,
            layout=layout_of(request),
            code=request.POST.get("code", ""),
            reference=request.POST.get("reference", ""),
            last_name=request.POST.get("last_name", ""),
        )
    except CheckinError as error:
        return _page(request, status=error.status, error=error.message, error_code=error.code)
    return _page(request, answer)


@never_cache
@require_POST
@tablet_required
def self_reprint(request: HttpRequest) -> HttpResponse:
    try:
        answer = services.self_reprint(
            device=request.tablet, proof=request.POST.get("proof", ""), layout=layout_of(request)
        )
    except CheckinError as error:
        return _page(request, status=error.status, error=error.message, error_code=error.code)
    return _page(request, answer, reprinted=True)
