"""Whether a browser's `Origin` is this site's: one comparison for the API's writes (config.api)
and the WebSockets (config.asgi). Scheme, host and port are compared exactly, the port spelled out
(`https://x` is `https://x:443`); the site is the origin the request was made to, `SITE_URL` or one
of `CSRF_TRUSTED_ORIGINS`. "null" and anything else that is not a web origin is foreign.

No side effects on import: config.asgi sets up Django and starts threads, this module does neither.
"""

from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


def origin_of(url: str) -> Origin | None:
    """(scheme, host, port) of a URL, the port spelled out; None for what is not a web origin."""
    try:
        parsed = urlsplit(url.strip().lower())
        port = parsed.port
    except ValueError:
        return None
    if parsed.scheme not in DEFAULT_PORTS or not parsed.hostname:
        return None
    return parsed.scheme, parsed.hostname, port or DEFAULT_PORTS[parsed.scheme]


def is_our_site(origin: str, own: Origin | None) -> bool:
    """`origin` (the header's value) is `own` (the origin the request was made to, None when its
    host is not ours), `SITE_URL` or a trusted origin."""
    claimed = origin_of(origin)
    if claimed is None:
        return False
    trusted = [origin_of(url) for url in [settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS]]
    return claimed in trusted or claimed == own
