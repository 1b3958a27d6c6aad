"""Content-Security-Policy and Permissions-Policy on every response; no-store on secret pages.

Our pages load scripts and styles only from /static/ (no inline scripts, no event-handler
attributes, no inline styles), so the policy allows nothing else. The QR reader compiles
WebAssembly ('wasm-unsafe-eval', not 'unsafe-eval'); the scanner and the dashboards open
WebSockets to the same host. The admin and the API docs (Swagger UI) set styles inline: only
there styles may be inline; scripts never.

No page may be shown in another site's frame (`frame-ancestors 'none'`, X-Frame-Options DENY), except
the views marked `embeddable` (the programme for other sites, /programma/embed/): those name our
own site and settings.EMBED_ALLOWED_ORIGINS, and send no X-Frame-Options.
"""

import functools

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.clickjacking import xframe_options_exempt

PERMISSIONS_POLICY = ", ".join(
    [
        "camera=(self)",  # the scanner, on our own pages only
        "microphone=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
    ]
)
INLINE_STYLE_PREFIXES = ("/admin/", "/api/v1/docs")
# Pages behind a private link (the attendee's own pages, their data export and erasure, the address
# confirmation): neither a browser's cache nor a proxy keeps a copy.
SECRET_PAGE_PREFIXES = ("/r/", "/bevestig/")


def embeddable(view):
    """A page the sites of settings.EMBED_ALLOWED_ORIGINS may show in a frame (and we ourselves)."""

    @functools.wraps(view)
    def framed(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.embeddable = True
        return response

    return xframe_options_exempt(framed)


def frame_ancestors(embeddable: bool = False) -> str:
    if not embeddable:
        return "frame-ancestors 'none'"
    return " ".join(["frame-ancestors 'self'", *settings.EMBED_ALLOWED_ORIGINS])


def content_security_policy(request: HttpRequest, *, embeddable: bool = False) -> str:
    try:
        host = request.get_host()
    except DisallowedHost:  # answered with 400 already; 'self' alone then
        sockets = ""
    else:
        sockets = f" wss://{host}" if request.is_secure() else f" ws://{host} wss://{host}"
    inline_styles = request.path.startswith(INLINE_STYLE_PREFIXES)
    directives = [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'" + (" 'unsafe-inline'" if inline_styles else ""),
        "img-src 'self' data: blob:",
        "font-src 'self'",
        f"connect-src 'self'{sockets}",
        "worker-src 'self' blob:",
        "manifest-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        frame_ancestors(embeddable),
    ]
    if settings.SECURE_SSL:
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(
                request, embeddable=getattr(response, "embeddable", False)
            )
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith(SECRET_PAGE_PREFIXES):
            add_never_cache_headers(response)
        return response
