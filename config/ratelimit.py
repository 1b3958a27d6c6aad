"""Rate limits on the endpoints people could abuse: registration, signup, secret links, scanners.

One middleware, after authentication and URL resolution. Counters are fixed windows in Django's
cache: Redis when REDIS_URL is set (shared by all daphne processes), process memory otherwise.
A limit that is reached answers 429 with Retry-After (JSON under /api/, a Dutch page elsewhere).

Hundreds of people share one address (the venue's Wi-Fi, a town hall, a mobile network), so
nothing here lets one client's misbehaviour refuse the others:

- A valid secret (manage link, badge, calendar feed, connect or pairing code) is always served;
  only its own per-secret limit can refuse it (`secret_use`, counted on the answers it gets).
- Misses (an unknown secret: a 401/404/410 answer) are counted per *client*: its address plus a
  cookie set on its first miss, or, for a client that drops cookies, its browser's headers. A
  client over its budget gets 429 instead of its misses' answers. A client that rotates cookies
  and headers runs into a larger budget per address, which also stops only misses. Guessing a
  128-bit secret is hopeless anyway; this makes it visibly so, and keeps the cost down.
- Registrations and signups per address, sized for a town hall registering its council.

Someone there in person (events.presence: an organiser, a paired kiosk or desk) is never limited
per address. Behind a proxy the client address must come from it: daphne's `--proxy-headers`
behind a proxy that *sets* X-Forwarded-For, never facing the internet itself (README).

The cache failing (Redis down) lets requests through: a limit is not worth an outage.
"""

import hashlib
import json
import logging
import math
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import ngettext

from config.accesslog import SECRET_PARAMETERS
from config.cookies import set_private_cookie
from events.presence import in_person

logger = logging.getLogger(__name__)

SECRET_KWARGS = SECRET_PARAMETERS  # the URL parameters that hold a secret (config.accesslog)
# A delegation counts as one registration request (the per-address budget is sized for a town hall).
REGISTRATION_VIEWS = {"events:register", "api:create_registration", "events:register_delegation", "api:create_delegation"}
SIGNUP_VIEWS = {"networking:signup", "api:create_signup"}
# Views whose secret is in the body, not the URL: only their misses are counted.
SECRET_BODY_VIEWS = {"api:pair"}
MISS_STATUSES = {401, 404, 410}
# Set on a client's first miss, so that its next misses count for it and not for its neighbours.
CLIENT_COOKIE = "dld_client"
CLIENT_COOKIE_SALT = "config.ratelimit.client"
CLIENT_COOKIE_SECONDS = 24 * 3600


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


def reset() -> None:
    """Forget this process's cache connection and that the cache was down, for tests and for a
    process that forks (a connection must not be shared with the parent). The counts themselves
    live in the cache."""
    global _cache_down_until, _counters
    _cache_down_until = 0.0
    _counters = None


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


def allowed(rule: str, subject: str) -> bool:
    """Count one use of `rule` by `subject` (e.g. mails to one address); False once over its limit.
    For limits that answer quietly instead of with a 429 (the caller must not learn anything)."""
    if not settings.RATE_LIMITS_ENABLED:
        return True
    limit = limits()[rule]
    used, _retry_after = increment(rule, subject, limit)
    return used is None or used <= limit.requests


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address; None for a request made without a connection (a test's login)."""
    return request.META.get("REMOTE_ADDR") or None


def client_ip(request: HttpRequest) -> str:
    return client_address(request) or "unknown"


def clients_of(request: HttpRequest) -> tuple[list[str], str]:
    """(the keys a miss counts for: its address plus its cookie, or for a client without one its
    browser's headers and the new cookie; that new cookie's value, or "")."""
    ip = client_ip(request)
    try:
        cookie = request.get_signed_cookie(CLIENT_COOKIE, salt=CLIENT_COOKIE_SALT)
    except (KeyError, signing.BadSignature):
        cookie = ""
    if cookie:
        return [f"{ip}|cookie:{cookie}"], ""
    headers = "|".join(request.META.get(name, "") for name in ("HTTP_USER_AGENT", "HTTP_ACCEPT_LANGUAGE"))
    new_cookie = secrets.token_urlsafe(16)
    return [f"{ip}|headers:{headers}", f"{ip}|cookie:{new_cookie}"], new_cookie


def _typed_subjects(request: HttpRequest, rule: str) -> tuple[list[tuple[str, str]], str]:
    clients, new_cookie = clients_of(request)
    return [(rule, client) for client in clients] + [(f"{rule}_ip", client_ip(request))], new_cookie


def check_typed(request: HttpRequest, rule: str) -> None:
    """Raise RateLimited when the client, or its address (`<rule>_ip`), has used up its wrong tries
    of `rule`: before the try, for a short code a person types, so that a try after the limit
    cannot tell a right code from a wrong one (misses of long secrets are counted after)."""
    if not settings.RATE_LIMITS_ENABLED:
        return
    rules = limits()
    subjects, _new_cookie = _typed_subjects(request, rule)
    for name, subject in subjects:
        check(name, subject, rules[name])


def count_typed_miss(request: HttpRequest, response: HttpResponse, rule: str) -> HttpResponse:
    """Count a wrong typed code for the client and its address (see check_typed)."""
    if not settings.RATE_LIMITS_ENABLED:
        return response
    rules = limits()
    subjects, new_cookie = _typed_subjects(request, rule)
    for name, subject in subjects:
        increment(name, subject, rules[name])
    if new_cookie:
        set_private_cookie(response, CLIENT_COOKIE, new_cookie, salt=CLIENT_COOKIE_SALT, max_age=CLIENT_COOKIE_SECONDS)
    return response


def bearer_token(request: HttpRequest) -> str:
    kind, _space, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() if kind.lower() == "bearer" else ""


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    minutes = max(1, math.ceil(retry_after / 60))
    message = ngettext(
        "Too many requests. Try again in a minute.",
        "Too many requests. Try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        body = {"detail": message, "code": "rate_limited", "errors": {}}
        response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@dataclass(frozen=True)
class _Guarded:
    """A request that presents a secret: what its answer will be counted against."""

    secret: str  # in the URL; "" when it is in the body (a pairing code)


def admin_login_locked(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked admin login: our 429, its wait in minutes."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    return too_many_requests(request, int(cool_off.total_seconds()) if cool_off else 3600)


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        guarded = getattr(request, "_rate_limit_guarded", None)
        if guarded is None:
            return response
        if response.status_code in MISS_STATUSES:
            return self.count_miss(request, response)
        if guarded.secret:
            increment("secret_use", guarded.secret, limits()["secret_use"])
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
        guarded = bool(secret) or view_name in SECRET_BODY_VIEWS
        writes = request.method == "POST" and (view_name in REGISTRATION_VIEWS or view_name in SIGNUP_VIEWS)
        if not (guarded or writes or token):
            return
        rules = limits()
        if token:
            count("scanner", token, rules["scanner"])
        if not (guarded or writes) or in_person(request):
            return
        ip = client_ip(request)
        if writes:
            rule = "registration" if view_name in REGISTRATION_VIEWS else "signup"
            count(rule, ip, rules[rule])
        if secret:
            check("secret_use", secret, rules["secret_use"])
        if guarded:
            request._rate_limit_guarded = _Guarded(secret)

    def count_miss(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Count a miss for its client and its address; over either budget, a 429 instead."""
        rules = limits()
        clients, new_cookie = clients_of(request)
        counted = [
            (increment("secret_misses", client, rules["secret_misses"]), rules["secret_misses"])
            for client in clients
        ]
        ip_limit = rules["secret_misses_ip"]
        counted.append((increment("secret_misses_ip", client_ip(request), ip_limit), ip_limit))
        waits = [
            retry_after
            for (used, retry_after), limit in counted
            if used is not None and used > limit.requests
        ]
        if waits:
            response = too_many_requests(request, max(waits))
        if new_cookie:
            set_private_cookie(
                response, CLIENT_COOKIE, new_cookie, salt=CLIENT_COOKIE_SALT, max_age=CLIENT_COOKIE_SECONDS
            )
        return response
