"""Rate limits on the endpoints people could abuse: registration, signup, secret links, scanners.

One middleware, after authentication and URL resolution. Counters are fixed windows in Django's
cache: Redis when REDIS_URL is set (shared by all daphne processes), process memory otherwise.
A limit that is reached answers 429 with Retry-After (JSON under /api/, a Dutch page elsewhere).

- per client IP: registrations and signups (every POST), and misses on secret links (manage
  links, badges, calendar feeds, connect codes, pairing codes: a 401/404/410 answer). Once an IP
  has missed too often, all its secret links answer 429 until the window ends, the right one too:
  guessing a 128-bit secret is hopeless anyway, this makes it visibly so.
- per secret or token: every request with one manage token, one connect secret, one scanner token.

Organisers (staff sessions) are never limited: the kiosk and the registration desk at the venue
share one IP with hundreds of phones. Behind a proxy the client IP must come from it: run daphne
with `--proxy-headers` and let the proxy *set* X-Forwarded-For (see README).

The cache failing (Redis down) lets requests through: a limit is not worth an outage.
"""

import hashlib
import json
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SECRET_KWARGS = ("token", "manage_token", "secret", "code")
REGISTRATION_VIEWS = {"events:register", "api:create_registration"}
SIGNUP_VIEWS = {"networking:signup", "api:create_signup"}
# Views whose secret is in the body, not the URL: only their misses are counted.
SECRET_BODY_VIEWS = {"api:pair"}
MISS_STATUSES = {401, 404, 410}


def limits_operation(path: str, method: str, operation: dict) -> bool:
    """Whether the middleware may answer this API operation (as the OpenAPI schema has it) with 429."""
    secret_in_path = any(
        parameter.get("in") == "path" and parameter.get("name") in SECRET_KWARGS
        for parameter in operation.get("parameters", [])
    )
    bearer = any("DeviceToken" in requirement for requirement in operation.get("security", []))
    if secret_in_path or bearer:
        return True
    if method != "post":
        return False
    try:
        view_name = resolve(path).view_name
    except Resolver404:
        return False
    return view_name in REGISTRATION_VIEWS | SIGNUP_VIEWS | SECRET_BODY_VIEWS


@dataclass(frozen=True)
class Limit:
    requests: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Limit":
        """ "30/300": 30 requests per 300 seconds."""
        requests, _slash, seconds = text.partition("/")
        return cls(int(requests), int(seconds))


def limits() -> dict[str, Limit]:
    return {name: Limit.parse(value) for name, value in settings.RATE_LIMITS.items()}


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


_cache_down_until = 0.0
_counters = None


def counters():
    """The cache the counts live in, one object per process. `django.core.cache.cache` is one per
    request under ASGI (it lives in a context-local): for Redis that was a new connection, with its
    handshake, for every request, 3.5 ms of CPU per check-in (bench/README.md)."""
    global _counters
    if _counters is None:
        _counters = caches.create_connection("default")
    return _counters


@receiver(setting_changed)
def _forget_counters(*, setting: str, **kwargs) -> None:
    global _counters
    if setting == "CACHES":
        _counters = None


def _window(limit: Limit, now: float) -> tuple[int, int]:
    start = int(now // limit.seconds * limit.seconds)
    return start, max(1, math.ceil(start + limit.seconds - now))


def _key(rule: str, subject: str, start: int) -> str:
    return f"rl:{rule}:{hashlib.sha256(subject.encode()).hexdigest()[:32]}:{start}"


def _guarded(operation):
    """Run a cache operation; when the cache fails, skip limiting for a few seconds."""
    global _cache_down_until
    if time.monotonic() < _cache_down_until:
        return None
    try:
        return operation()
    except Exception:  # any backend error: Redis refused, timed out, or went away mid-call
        logger.warning("rate limits are off for 10 s: the cache does not answer", exc_info=True)
        _cache_down_until = time.monotonic() + 10
        return None


def increment(rule: str, subject: str, limit: Limit) -> tuple[int | None, int]:
    """Count one request: (requests in this window so far, or None if the cache failed; seconds left)."""
    start, retry_after = _window(limit, time.time())
    key = _key(rule, subject, start)

    def add_one() -> int:
        try:
            return counters().incr(key)
        except ValueError:  # the window's first request
            if counters().add(key, 1, limit.seconds + 1):
                return 1
            return counters().incr(key)

    return _guarded(add_one), retry_after


def count(rule: str, subject: str, limit: Limit) -> None:
    """Count one request; raise RateLimited when it is one too many."""
    used, retry_after = increment(rule, subject, limit)
    if used is not None and used > limit.requests:
        raise RateLimited(retry_after)


def check(rule: str, subject: str, limit: Limit) -> None:
    """Raise RateLimited when the window's count has reached the limit, without counting."""
    start, retry_after = _window(limit, time.time())
    used = _guarded(lambda: counters().get(_key(rule, subject, start)))
    if used is not None and used >= limit.requests:
        raise RateLimited(retry_after)


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def bearer_token(request: HttpRequest) -> str:
    kind, _space, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() if kind.lower() == "bearer" else ""


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": retry_after}
    if request.path.startswith("/api/"):
        body = {"detail": message, "code": "rate_limited", "errors": {}}
        response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        misses = getattr(request, "_rate_limit_misses", None)
        if misses and response.status_code in MISS_STATUSES:
            # This miss is answered; once there are too many, the IP's next request gets the 429.
            increment("secret_misses", misses, limits()["secret_misses"])
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not settings.RATE_LIMITS_ENABLED:
            return None
        try:
            self.limit(request, view_kwargs)
        except RateLimited as limited:
            return too_many_requests(request, limited.retry_after)
        return None

    def limit(self, request: HttpRequest, view_kwargs: dict) -> None:
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        secret = next((view_kwargs[name] for name in SECRET_KWARGS if view_kwargs.get(name)), "")
        token = bearer_token(request)
        per_ip = (
            bool(secret)
            or view_name in SECRET_BODY_VIEWS
            or (request.method == "POST" and (view_name in REGISTRATION_VIEWS or view_name in SIGNUP_VIEWS))
        )
        if not (per_ip or token):
            return
        if per_ip and request.user.is_staff:
            return
        rules = limits()
        ip = client_ip(request)
        if token:
            count("scanner", token, rules["scanner"])
        if request.method == "POST" and view_name in REGISTRATION_VIEWS:
            count("registration", ip, rules["registration"])
        if request.method == "POST" and view_name in SIGNUP_VIEWS:
            count("signup", ip, rules["signup"])
        if secret or view_name in SECRET_BODY_VIEWS:
            check("secret_misses", ip, rules["secret_misses"])
            request._rate_limit_misses = ip
        if secret:
            count("secret_use", secret, rules["secret_use"])
