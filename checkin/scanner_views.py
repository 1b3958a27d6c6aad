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
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_POST

from checkin import services
from checkin.forms import DeviceDoorForm, DeviceForm
from checkin.models import Device
from checkin.services import CheckinError
from events import badges
from events.links import absolute_url
from events.selectors import current_event

# What the service worker keeps so that /scan/ reloads without the network.
SCANNER_SHELL = [
    "events/site.css",
    "checkin/scan.css",
    "checkin/sha256.js",
    "checkin/scan.js",
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
    """Where the pairing QR leads: the phone's script exchanges the code for the device's token."""
    try:
        pairing = services.pairing_for_code(code)
    except CheckinError as error:
        return render(
            request,
            "checkin/pair.html",
            {"event": current_event(), "error": error.message},
            status=error.status,
        )
    return render(
        request, "checkin/pair.html", {"event": current_event(), "device": pairing.device, "code": code}
    )


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
            workshop=form.cleaned_data["workshop"],
            created_by=request.user,
        )
        return _pairing_page(request, device)
    listed = list(
        Device.objects.filter(event=event).select_related("workshop__room").order_by("revoked_at", "name")
    )
    for device in listed:
        device.door_form = DeviceDoorForm(
            event=event, initial={"workshop": device.workshop_id}, prefix=f"d{device.pk}"
        )
    return render(
        request,
        "checkin/devices.html",
        {"event": event, "form": form, "devices": listed},
        status=422 if form.errors else 200,
    )


def _device(pk: int) -> Device:
    return get_object_or_404(Device.objects.select_related("workshop"), pk=pk, event=current_event())


def _pairing_page(request: HttpRequest, device: Device) -> HttpResponse:
    pairing, code = services.new_pairing_code(device)
    url = absolute_url(reverse("checkin:pair", args=[code]), request)
    response = render(
        request,
        "checkin/device_pairing.html",
        {
            "event": device.event,
            "device": device,
            "url": url,
            "qr_svg": badges.link_qr_svg(url),
            "pairing": pairing,
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
        services.set_door(device, form.cleaned_data["workshop"])
    return redirect("checkin:devices")


@staff_member_required
@require_POST
def device_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    services.revoke_device(_device(pk))
    return redirect("checkin:devices")
