"""Content-Security-Policy and Permissions-Policy on every response.

Our pages load scripts and styles only from /static/ (no inline scripts, no event-handler
attributes, no inline styles), so the policy allows nothing else. The QR reader compiles
WebAssembly ('wasm-unsafe-eval', not 'unsafe-eval'); the scanner and the dashboards open
WebSockets to the same host. The admin and the API docs (Swagger UI) set styles inline: only
there styles may be inline; scripts never.
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

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


def content_security_policy(request: HttpRequest) -> str:
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
        "frame-ancestors 'none'",
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
            response["Content-Security-Policy"] = content_security_policy(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
