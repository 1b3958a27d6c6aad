"""Rate limits: registration, signup, secret links and scanner tokens answer 429 with Retry-After."""

import contextvars
import re
import secrets

import pytest
from django.core.cache import cache
from django.test import Client

from config import ratelimit
from events.models import Registration
from tests.conftest import post_json, registration_payload, requires_redis
from tests.networking.conftest import create_offers
from tests.networking.test_signup_api import payload as signup_payload


@pytest.fixture
def limits(settings, monkeypatch):
    """Limits on, small, and counted from zero (with the cache taken as answering)."""
    monkeypatch.setattr(ratelimit, "_cache_down_until", 0.0)
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {
        "registration": "3/300",
        "signup": "2/300",
        "secret_misses": "5/600",
        "secret_use": "6/60",
        "scanner": "4/60",
    }
    cache.clear()
    return settings.RATE_LIMITS


def from_ip(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def assert_rate_limited(response, within: int) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= within


def test_brute_force_on_manage_tokens_is_stopped_and_the_real_link_too(limits, make_attendee):
    attendee = make_attendee()
    real = make_attendee(2)
    attacker, neighbour = from_ip("203.0.113.7"), from_ip("198.51.100.4")

    guesses = [attacker.get(f"/r/{secrets.token_urlsafe(24)}/").status_code for _ in range(8)]
    assert guesses == [404] * 5 + [429] * 3

    # Once over the limit, this IP gets 429 on every secret link, the right one as well...
    response = attacker.get(f"/r/{real.manage_token}/")
    assert_rate_limited(response, 600)
    assert "Te veel verzoeken" in response.content.decode()
    api_answer = attacker.get(f"/api/v1/registrations/{secrets.token_urlsafe(24)}")
    assert_rate_limited(api_answer, 600)
    assert api_answer.json()["code"] == "rate_limited"
    assert attacker.get(f"/ical/r/{secrets.token_urlsafe(24)}.ics").status_code == 429
    # ...while everyone else goes on, and pages without secrets still answer.
    assert neighbour.get(f"/r/{attendee.manage_token}/").status_code == 200
    assert attacker.get("/").status_code == 200


def test_misses_are_counted_over_every_kind_of_secret_link(limits, event):
    attacker = from_ip("203.0.113.8")
    token = secrets.token_urlsafe(24)
    paths = [
        f"/r/{token}/",
        f"/badge/{token}.svg",
        f"/ical/r/{token}.ics",
        f"/verbind/{token}",
        f"/api/v1/registrations/{token}",
    ]
    assert [attacker.get(path).status_code for path in paths] == [404] * 5
    assert attacker.get(f"/r/{token}/badge/").status_code == 429


def test_pairing_code_guesses_are_limited(limits, event):
    attacker = from_ip("203.0.113.9")
    answers = [
        post_json(attacker, "/api/v1/checkin/pair", {"code": secrets.token_urlsafe(16)}).status_code
        for _ in range(7)
    ]
    assert answers == [404] * 5 + [429] * 2


def test_a_valid_link_is_not_a_miss_but_one_link_is_limited_per_token(limits, make_attendee):
    attendee = make_attendee()
    phone = from_ip("192.0.2.10")
    answers = [phone.get(f"/r/{attendee.manage_token}/").status_code for _ in range(8)]
    assert answers == [200] * 6 + [429] * 2
    other = make_attendee(2)
    assert phone.get(f"/r/{other.manage_token}/").status_code == 200


def test_registrations_per_ip(limits, programme):
    office, home = from_ip("192.0.2.20"), from_ip("192.0.2.21")
    answers = [
        post_json(office, "/api/v1/registrations", registration_payload(n)).status_code for n in range(1, 6)
    ]
    assert answers == [201, 201, 201, 429, 429]
    assert post_json(home, "/api/v1/registrations", registration_payload(6)).status_code == 201
    # The form shares the count with the API: the office's form post is refused too, and nothing stored.
    form = office.post("/aanmelden/", {"first_name": "Late", "last_name": "Comer"})
    assert_rate_limited(form, 300)
    assert Registration.objects.count() == 4


def test_a_refused_registration_says_when_to_try_again(limits, programme):
    client = from_ip("192.0.2.22")
    for n in range(1, 4):
        post_json(client, "/api/v1/registrations", registration_payload(n))

    response = post_json(client, "/api/v1/registrations", registration_payload(4))

    assert_rate_limited(response, 300)
    body = response.json()
    assert (body["code"], body["errors"]) == ("rate_limited", {})
    assert re.fullmatch(r"Te veel verzoeken\. Probeer het over \d+ seconden opnieuw\.", body["detail"])


def test_signups_per_ip(limits, event):
    create_offers(event)
    kiosk = from_ip("192.0.2.30")
    answers = [
        post_json(
            kiosk, "/api/v1/signups", signup_payload(contact_email=f"c{n}@amersfoort.example")
        ).status_code
        for n in range(4)
    ]
    assert answers == [201, 200, 429, 429]


def test_staff_are_not_limited(limits, staff_client, programme):
    # The registration desk at the venue registers walk-ins one after another from one IP.
    answers = [
        post_json(staff_client, "/api/v1/registrations", registration_payload(n)).status_code
        for n in range(1, 6)
    ]
    assert answers == [201] * 5


def test_scanner_tokens_are_limited_per_token(limits, scanner_headers, event):
    phone = from_ip("192.0.2.40")
    answers = [phone.get("/api/v1/checkin/scanner", **scanner_headers).status_code for _ in range(6)]
    assert answers == [200] * 4 + [429] * 2
    # Another phone at the same door, behind the same Wi-Fi, is not affected.
    other = phone.get("/api/v1/checkin/scanner", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert other.status_code == 401


def test_limits_are_off_when_disabled(settings, make_attendee):
    settings.RATE_LIMITS_ENABLED = False
    attacker = from_ip("203.0.113.11")
    assert {attacker.get(f"/r/{secrets.token_urlsafe(24)}/").status_code for _ in range(30)} == {404}


@requires_redis
def test_counters_are_shared_through_redis(limits, settings, event):
    from django.core.cache import caches

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    attacker = from_ip("203.0.113.12")
    for _ in range(5):
        attacker.get(f"/r/{secrets.token_urlsafe(24)}/")
    # Another process sees the same counter: its cache client is a fresh connection to Redis.
    fresh = type(caches["default"])(settings.CACHES["default"]["LOCATION"], settings.CACHES["default"])
    keys = fresh._cache.get_client().keys(f"{settings.CACHES['default']['KEY_PREFIX']}:*rl:secret_misses:*")
    assert [int(fresh._cache.get_client().get(key)) for key in keys] == [5]
    assert attacker.get(f"/r/{secrets.token_urlsafe(24)}/").status_code == 429


def test_a_dead_cache_lets_requests_through(limits, settings, make_attendee):
    # Nothing listens on port 1: every counter fails at once, and requests are served unlimited.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    attacker = from_ip("203.0.113.13")
    assert [attacker.get(f"/r/{secrets.token_urlsafe(24)}/").status_code for _ in range(8)] == [404] * 8
    attendee = make_attendee()
    assert attacker.get(f"/r/{attendee.manage_token}/").status_code == 200


def test_the_api_schema_declares_429_exactly_where_a_limit_applies(client):
    schema = client.get("/api/v1/openapi.json").json()
    limited = sorted(
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "429" in operation["responses"]
    )
    assert limited == [
        "DELETE /api/v1/registrations/{manage_token}",
        "GET /api/v1/checkin/list",
        "GET /api/v1/checkin/scanner",
        "GET /api/v1/checkin/search",
        "GET /api/v1/registrations/{manage_token}",
        "GET /api/v1/registrations/{manage_token}/directory",
        "GET /api/v1/registrations/{manage_token}/export",
        "GET /api/v1/stats",
        "PATCH /api/v1/checkin/scanner",
        "PATCH /api/v1/registrations/{manage_token}",
        "POST /api/v1/checkin/pair",
        "POST /api/v1/checkin/redeem",
        "POST /api/v1/checkin/undo",
        "POST /api/v1/registrations",
        "POST /api/v1/signups",
    ]


def test_counts_go_through_one_cache_object_per_process_not_one_per_request():
    # Under ASGI every request runs in a context of its own, and Django's `cache` is a context-local:
    # with Redis that was a new connection per request.
    first = contextvars.Context().run(ratelimit.counters)
    second = contextvars.Context().run(ratelimit.counters)
    assert first is second
