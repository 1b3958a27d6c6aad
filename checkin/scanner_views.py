"""The phone scanner (an installable web app under /scan/) and the organisers' device pages.

`/scan/` itself is a shell without personal data: a paired phone authenticates its API calls with
its bearer token (kept in the phone's localStorage), a logged-in organiser with the session.
So the page may be cached by the service worker and reload without the network.
"""

import hashlib
import json
from functools import lru_cache

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.staticfiles import finders
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST

from checkin import presence, services
from checkin.doors import door_of
from checkin.errors import CheckinError
from checkin.forms import BulkDevicesForm, DeviceDoorForm, DeviceForm, ShortCodeForm
from checkin.models import Device
from checkin.schemas import device_out
from config import ratelimit
from events import badges
from events.links import absolute_url
from events.selectors import current_event

# What the service worker keeps so that /scan/ reloads without the network: the page's files and
# every module checkin/scanner/main.js imports, directly or not (tests/test_static_manifest.py
# checks that none is missing).
SCANNER_SHELL = [
    "events/site.css",
    "checkin/scan.css",
    "checkin/sha256.js",
    "checkin/scanner/main.js",
    "checkin/scanner/page.js",
    "checkin/scanner/storage.js",
    "checkin/scanner/session.js",
    "checkin/scanner/api.js",
    "checkin/scanner/codes.js",
    "checkin/scanner/decide.js",
    "checkin/scanner/door.js",
    "checkin/scanner/answers.js",
    "checkin/scanner/camera.js",
    "checkin/qr.js",
    "checkin/scanner/screen.js",
    "checkin/scanner/checkins.js",
    "checkin/scanner/search.js",
    "checkin/scanner/announcements.js",
    "events/times.js",
    "checkin/vendor/barcode-detector/index.js",
    "checkin/vendor/zxing-wasm/zxing_reader.wasm",
    "checkin/icons/icon-192.png",
    "checkin/icons/apple-touch-icon.png",
]


@ensure_csrf_cookie
def scan(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "checkin/scan.html",
        {"event": current_event(), "wasm_url": static("checkin/vendor/zxing-wasm/zxing_reader.wasm")},
    )


@never_cache
def pair(request: HttpRequest, code: str) -> HttpResponse:
    """Where the pairing QR leads. A scanner phone's script exchanges the code for the device's
    token; a kiosk or desk browser pairs with the page's button (a same-site POST: a link opened
    elsewhere pairs nothing), which sets its cookie (checkin.presence)."""

    def failed(error: CheckinError) -> HttpResponse:
        return render(
            request,
            "checkin/pair.html",
            {"event": current_event(), "error": error.message},
            status=error.status,
        )

    if request.method == "POST":
        # pair_device checks the code and its kind; a scanner's code gets its page (its app pairs it).
        try:
            device, token = services.pair_device(code, kinds=services.IN_PERSON)
        except CheckinError as error:
            if error.code != "pairing_code_other_kind":
                return failed(error)
        else:
            response = render(request, "checkin/pair.html", {"event": device.event, "paired": device})
            presence.remember_device(response, token)
            return response
    try:
        device = services.pairing_for_code(code).device
    except CheckinError as error:
        return failed(error)
    return render(request, "checkin/pair.html", {"event": current_event(), "device": device, "code": code})


# Wrong typed codes per client and address (settings.RATE_LIMITS).
TYPED_RULE = "pairing_typed"


@never_cache
def pair_typed(request: HttpRequest) -> HttpResponse:
    """Where a steward types the short pairing code instead of scanning the QR. A scanner phone
    gets its token in the page, for the page's script to keep as the QR's pairing does; a kiosk or
    desk browser gets its cookie. A client's wrong codes are limited before it may try again."""
    form = ShortCodeForm(request.POST or None)
    context = {"event": current_event(), "form": form}
    if request.method != "POST" or not form.is_valid():
        return render(request, "checkin/pair_typed.html", context, status=422 if form.errors else 200)
    try:
        ratelimit.check_typed(request, TYPED_RULE)
    except ratelimit.RateLimited as limited:
        return ratelimit.too_many_requests(request, limited.retry_after)
    try:
        device, token = services.pair_by_short_code(form.cleaned_data["code"])
    except CheckinError as error:
        form.add_error("code", error.message)
        response = render(request, "checkin/pair_typed.html", context, status=error.status)
        return ratelimit.count_typed_miss(request, response, TYPED_RULE)
    context["paired"] = device
    if device.pairs_in_browser:
        response = render(request, "checkin/pair_typed.html", context)
        presence.remember_device(response, token)
        return response
    context["pairing"] = {"token": token, "device": device_out(device)}  # never cached: never_cache
    return render(request, "checkin/pair_typed.html", context)


def manifest(request: HttpRequest) -> HttpResponse:
    icons = [
        {"src": static("checkin/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("checkin/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("checkin/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "name": _("Check-in scanner"),
        "short_name": _("Scanner"),
        "lang": "nl",
        "start_url": reverse("checkin:scan"),
        "scope": reverse("checkin:scan"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#173f6e",
        "icons": icons,
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")


@lru_cache(maxsize=1)
def _shell_version() -> str:
    """Changes whenever a file of the shell changes, so phones drop their old copy."""
    digest = hashlib.sha256()
    for name in SCANNER_SHELL:
        digest.update(static(name).encode())
        path = finders.find(name)
        if path:
            with open(path, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:16]


@receiver(setting_changed)
def _forget_shell_version(*, setting: str, **kwargs) -> None:
    """Static files settings changed (override_settings): the shell has another version."""
    if setting in {"STORAGES", "STATIC_ROOT", "STATIC_URL"}:
        _shell_version.cache_clear()


def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from /scan/ so that its scope is the scanner; never cached, so updates arrive."""
    shell = [reverse("checkin:scan"), *(static(name) for name in SCANNER_SHELL)]
    with open(finders.find("checkin/scan-sw.js"), encoding="utf-8") as file:
        script = file.read()
    config = json.dumps({"version": _shell_version(), "shell": shell, "page": reverse("checkin:scan")})
    response = HttpResponse(f"const SCANNER = {config};\n{script}", content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


# Organisers: scanner devices


@staff_member_required
def devices(request: HttpRequest) -> HttpResponse:
    event = current_event()
    form = DeviceForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        device, _token = services.create_device(
            event=event,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            room=form.cleaned_data["room"],
            workshop=form.cleaned_data["workshop"],
            created_by=request.user,
        )
        return _pairing_page(request, device)
    return _devices_page(request, event, form)


def _devices_page(
    request: HttpRequest, event, form: DeviceForm, bulk: BulkDevicesForm | None = None, *, door_form=None
) -> HttpResponse:
    """The device list; `bulk` the bulk form as posted, `door_form` a device's door form as posted,
    each with its errors."""
    bulk = bulk or BulkDevicesForm(prefix="bulk")
    listed = list(
        Device.objects.filter(event=event)
        .select_related("workshop__room", "workshop__round", "room")
        .order_by("revoked_at", "name")
    )
    for device in listed:
        if door_form is not None and door_form.prefix == f"d{device.pk}":
            device.door_form = door_form
        else:
            device.door_form = DeviceDoorForm(
                event=event,
                initial={"room": device.room_id, "workshop": device.workshop_id},
                prefix=f"d{device.pk}",
            )
        device.door_now = door_of(device)
    return render(
        request,
        "checkin/devices.html",
        {"event": event, "form": form, "bulk_form": bulk, "devices": listed, "bulk_max": services.BULK_MAX},
        status=422 if form.errors or bulk.errors or (door_form is not None and door_form.errors) else 200,
    )


# Pairing cards per printed A4 page (2 × 3).
SHEET_CARDS = 6


@staff_member_required
@require_POST
def devices_bulk(request: HttpRequest) -> HttpResponse:
    """N devices at once and their sheet of pairing codes, to print (shown once: the codes exist in
    the clear only now)."""
    event = current_event()
    bulk = BulkDevicesForm(request.POST, prefix="bulk")
    if not bulk.is_valid():
        return _devices_page(request, event, DeviceForm(event=event), bulk)
    made = services.create_devices(
        event=event,
        prefix=bulk.cleaned_data["prefix"],
        count=bulk.cleaned_data["count"],
        kind=bulk.cleaned_data["kind"],
        created_by=request.user,
    )
    cards = []
    for device, issued in made:
        url = absolute_url(reverse("checkin:pair", args=[issued.code]), request)
        cards.append({"device": device, "short_code": issued.short_code, "qr_svg": badges.link_qr_svg(url)})
    pages = [cards[start : start + SHEET_CARDS] for start in range(0, len(cards), SHEET_CARDS)]
    response = render(
        request,
        "checkin/device_sheet.html",
        {
            "event": event,
            "pages": pages,
            "count": len(cards),
            "expires_at": made[0][1].pairing.expires_at,
            "typed_url": absolute_url(reverse("checkin:pair_typed"), request),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _device(pk: int) -> Device:
    return get_object_or_404(Device.objects.select_related("workshop"), pk=pk, event=current_event())


def _pairing_page(request: HttpRequest, device: Device) -> HttpResponse:
    issued = services.issue_pairing(device)
    url = absolute_url(reverse("checkin:pair", args=[issued.code]), request)
    response = render(
        request,
        "checkin/device_pairing.html",
        {
            "event": device.event,
            "device": device,
            "url": url,
            "qr_svg": badges.link_qr_svg(url),
            "pairing": issued.pairing,
            "short_code": issued.short_code,
            "typed_url": absolute_url(reverse("checkin:pair_typed"), request),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_member_required
@require_POST
def device_pairing(request: HttpRequest, pk: int) -> HttpResponse:
    device = _device(pk)
    if device.is_revoked:
        return redirect("checkin:devices")
    return _pairing_page(request, device)


@staff_member_required
@require_POST
def device_door(request: HttpRequest, pk: int) -> HttpResponse:
    device = _device(pk)
    form = DeviceDoorForm(request.POST, event=device.event, prefix=f"d{device.pk}")
    if form.is_valid():
        try:
            services.set_door(device, form.cleaned_data["workshop"], room=form.cleaned_data["room"])
        except CheckinError as error:
            form.add_error(error.field or None, error.message)
    if form.errors:
        return _devices_page(request, device.event, DeviceForm(event=device.event), door_form=form)
    return redirect("checkin:devices")


@staff_member_required
@require_POST
def device_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    services.revoke_device(_device(pk))
    return redirect("checkin:devices")
