"""Rate limits: registration, signup, secret links and scanner tokens answer 429 with Retry-After.

Hundreds of people share one address: a guessing client is refused, its neighbours and every
valid link are not (issue 12 §1)."""

import contextvars
import math
import re
import secrets
import time

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from config import ratelimit
from config.ratelimit import Limit
from events.models import Event, Registration
from tests.factories import create_offers, registration_payload, signup_payload
from tests.support import post_json, requires_redis


@pytest.fixture
def limits(settings):
    """Limits on, small, and counted from zero (with the cache taken as answering)."""
    ratelimit.reset()
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {
        "registration": "3/300",
        "signup": "2/300",
        "secret_misses": "5/600",
        "secret_misses_ip": "12/600",
        "secret_use": "6/60",
        "scanner": "4/60",
    }
    cache.clear()
    yield settings.RATE_LIMITS
    ratelimit.reset()  # a test that took the cache down leaves no "the cache is down" behind


def from_ip(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def assert_rate_limited(response, within: int) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= within


def test_brute_force_on_manage_tokens_is_stopped_but_never_a_valid_link(limits, make_attendee):
    attendee = make_attendee()
    real = make_attendee(2)
    attacker = from_ip("203.0.113.7")
    colleague = from_ip("203.0.113.7")  # behind the same address
    neighbour = from_ip("198.51.100.4")

    guesses = [attacker.get(f"/r/{secrets.token_urlsafe(24)}/").status_code for _ in range(8)]
    assert guesses == [404] * 5 + [429] * 3

    # Once over its budget, the guessing client's misses answer 429...
    api_answer = attacker.get(f"/api/v1/registrations/{secrets.token_urlsafe(24)}")
    assert_rate_limited(api_answer, 600)
    assert api_answer.json()["code"] == "rate_limited"
    page = attacker.get(f"/ical/r/{secrets.token_urlsafe(24)}.ics")
    assert_rate_limited(page, 600)
    assert "Te veel verzoeken" in page.content.decode()
    # ...while a valid link is served, to it as well, and nobody else is refused anything.
    assert attacker.get(f"/r/{real.manage_token}/").status_code == 200
    assert colleague.get(f"/r/{attendee.manage_token}/").status_code == 200
    assert colleague.get(f"/r/{secrets.token_urlsafe(24)}/").status_code == 404
    assert neighbour.get(f"/r/{secrets.token_urlsafe(24)}/").status_code == 404
    assert attacker.get("/").status_code == 200


def test_the_guessing_client_is_told_apart_by_a_cookie_set_on_its_first_miss(limits, event):
    phone = from_ip("203.0.113.14")
    response = phone.get(f"/r/{secrets.token_urlsafe(24)}/")
    cookie = response.cookies[ratelimit.CLIENT_COOKIE]
    assert (cookie["httponly"], cookie["samesite"], cookie["max-age"]) == (True, "Lax", 24 * 3600)
    # A forged cookie counts as none: the client is then known by its browser's headers.
    forger = Client(REMOTE_ADDR="203.0.113.14", HTTP_USER_AGENT="Forger/1.0")
    forger.cookies[ratelimit.CLIENT_COOKIE] = "made-up"
    assert [forger.get(f"/r/{secrets.token_urlsafe(24)}/").status_code for _ in range(6)] == [404] * 5 + [429]
    assert [phone.get(f"/r/{secrets.token_urlsafe(24)}/").status_code for _ in range(5)] == [404] * 4 + [429]


def test_a_client_that_drops_its_cookies_runs_into_the_budget_per_address_which_stops_misses_only(
    limits, make_attendee
):
    people = [make_attendee(n) for n in range(1, 4)]

    def fresh_client(n: int) -> Client:  # no cookies, other headers every time
        return Client(REMOTE_ADDR="203.0.113.15", HTTP_USER_AGENT=f"Guesser/{n}")

    guesses = [fresh_client(n).get(f"/badge/{secrets.token_urlsafe(24)}.svg").status_code for n in range(15)]
    assert guesses == [404] * 12 + [429] * 3
    # Every valid link behind that address is still served, the first time and again.
    answers = [
        fresh_client(100 + n).get(f"/r/{person.manage_token}/badge/").status_code
        for n, person in enumerate(people)
    ]
    assert answers == [200] * 3
    assert from_ip("198.51.100.5").get(f"/r/{secrets.token_urlsafe(24)}/").status_code == 404


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


def test_a_valid_link_is_not_a_miss_but_one_link_is_limited_per_token(limits, start_of_a_window, make_attendee):
    attendee = make_attendee()
    phone = from_ip("192.0.2.10")
    answers = [phone.get(f"/r/{attendee.manage_token}/").status_code for _ in range(8)]
    assert answers == [200] * 6 + [429] * 2
    assert_rate_limited(phone.get(f"/r/{attendee.manage_token}/"), 60)
    other = make_attendee(2)
    assert phone.get(f"/r/{other.manage_token}/").status_code == 200
    assert ratelimit.CLIENT_COOKIE not in phone.cookies  # no miss, no cookie


def test_a_delegation_counts_as_one_registration_request(limits, programme):
    town_hall = from_ip("192.0.2.30")
    delegation = {
        "coordinator": {
            "first_name": "Griet",
            "last_name": "Griffier",
            "email": "g@amersfoort.example",
            "role": "griffier",
        },
        "municipality": "GM0307",
        "attending": False,
        "members": [registration_payload(n, municipality=None) for n in range(1, 11)],
    }
    for person in delegation["members"]:
        del person["municipality"]
    first = post_json(town_hall, "/api/v1/delegations", delegation)
    answers = [
        post_json(town_hall, "/api/v1/registrations", registration_payload(n)).status_code
        for n in (20, 21, 22)
    ]
    assert (first.status_code, answers) == (201, [201, 201, 429])


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
    assert re.fullmatch(
        r"Te veel verzoeken\. Probeer het over (een minuut|\d+ minuten) opnieuw\.", body["detail"]
    )


def test_signups_per_ip(limits, event):
    create_offers(event)
    kiosk = from_ip("192.0.2.30")
    answers = [
        post_json(
            kiosk, "/api/v1/signups", signup_payload(contact_email=f"c{n}@amersfoort.example")
        ).status_code
        for n in range(4)
    ]
    assert answers == [201, 202, 429, 429]


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
    keys = fresh._cache.get_client().keys(
        f"{settings.CACHES['default']['KEY_PREFIX']}:*rl:secret_misses_ip:*"
    )
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
        "DELETE /api/v1/announcements/{announcement_id}",  # an organiser's API token, like any bearer
        "DELETE /api/v1/registrations/{manage_token}",
        "DELETE /api/v1/registrations/{manage_token}/push-subscriptions",
        "DELETE /api/v1/signups/{token}/offers/{slug}",
        "GET /api/v1/board",  # the planning board's operations: an organiser's API token
        "GET /api/v1/checkin/announcements",
        "GET /api/v1/checkin/list",
        "GET /api/v1/checkin/scanner",
        "GET /api/v1/checkin/search",
        "GET /api/v1/delegations/{manage_token}",
        "GET /api/v1/directory",  # an organiser's API token is counted like any bearer token
        "GET /api/v1/polls/{poll_id}/results",
        "GET /api/v1/registrations/{manage_token}",
        "GET /api/v1/registrations/{manage_token}/directory",
        "GET /api/v1/registrations/{manage_token}/export",
        "GET /api/v1/registrations/{manage_token}/meetings",
        "GET /api/v1/stats",
        "GET /api/v1/workshops/{workshop_id}/polls",
        "GET /api/v1/workshops/{workshop_id}/questions",
        "PATCH /api/v1/board/rooms/{room_id}",
        "PATCH /api/v1/board/rounds/{round_id}",
        "PATCH /api/v1/board/workshops/{workshop_id}",
        "PATCH /api/v1/checkin/scanner",
        "PATCH /api/v1/registrations/{manage_token}",
        "PATCH /api/v1/workshops/{workshop_id}",
        "POST /api/v1/announcements",
        "POST /api/v1/board/apply",
        "POST /api/v1/board/preview",
        "POST /api/v1/board/rooms",
        "POST /api/v1/board/rounds",
        "POST /api/v1/board/workshops",
        "POST /api/v1/checkin/pair",
        "POST /api/v1/checkin/redeem",
        "POST /api/v1/checkin/undo",
        "POST /api/v1/delegations",
        # Moderator operations: a bearer token is counted (config.ratelimit, the scanner rule).
        "POST /api/v1/invitation-codes",
        "POST /api/v1/invitation-codes/{code_id}/holds/{workshop_id}/release",
        "POST /api/v1/polls/{poll_id}/close",
        "POST /api/v1/polls/{poll_id}/open",
        "POST /api/v1/questions/{question_id}/answered",
        "POST /api/v1/questions/{question_id}/approve",
        "POST /api/v1/questions/{question_id}/hide",
        "POST /api/v1/registrations",
        "POST /api/v1/registrations/{manage_token}/meetings",
        "POST /api/v1/registrations/{manage_token}/meetings/{meeting_id}/accept",
        "POST /api/v1/registrations/{manage_token}/meetings/{meeting_id}/cancel",
        "POST /api/v1/registrations/{manage_token}/meetings/{meeting_id}/decline",
        "POST /api/v1/registrations/{manage_token}/meetings/{meeting_id}/propose",
        "POST /api/v1/registrations/{manage_token}/push-subscriptions",
        "POST /api/v1/registrations/{manage_token}/questions",
        "POST /api/v1/registrations/{manage_token}/questions/{question_id}/upvote",
        "POST /api/v1/registrations/{manage_token}/reissue-badge",
        "POST /api/v1/registrations/{manage_token}/votes",
        "POST /api/v1/signups",
        "POST /api/v1/webhooks",
        "POST /api/v1/workshops/{workshop_id}/cancel",
        "POST /api/v1/workshops/{workshop_id}/moderator-link",
        "POST /api/v1/workshops/{workshop_id}/polls",
    ]


def test_counts_go_through_one_cache_object_per_process_not_one_per_request():
    # Under ASGI every request runs in a context of its own, and Django's `cache` is a context-local:
    # with Redis that was a new connection per request.
    first = contextvars.Context().run(ratelimit.counters)
    second = contextvars.Context().run(ratelimit.counters)
    assert first is second


@pytest.fixture
def default_limits(settings, monkeypatch):
    """The limits as production has them: config/settings.py's defaults, counted from zero."""
    monkeypatch.setattr(ratelimit, "_cache_down_until", 0.0)
    settings.RATE_LIMITS_ENABLED = True
    cache.clear()
    return settings.RATE_LIMITS


def test_the_defaults_are_what_the_readme_says(default_limits):
    assert default_limits == {
        "registration": "400/900",
        "signup": "120/900",
        "secret_misses": "20/600",
        "secret_misses_ip": "100/600",
        "secret_use": "120/60",
        "resend_address": "3/3600",
        "certificate_mail": "3/3600",
        "scanner": "1200/60",
        "room_questions": "5/300",
        "self_checkin": "30/300",
        "pairing_typed": "10/900",
        "pairing_typed_ip": "60/900",
    }


@pytest.fixture
def start_of_a_window():
    """The counters are fixed windows: begin at the start of an hour (so of every 10 and 15 minutes
    too), so that a test of a couple of minutes never straddles two windows."""
    hour = 3600
    with time_machine.travel(math.ceil(time.time() / hour) * hour, tick=True):
        yield


def test_300_people_behind_one_address_are_served_while_a_guesser_there_is_refused(
    default_limits, start_of_a_window, event
):
    assert Limit.parse(default_limits["registration"]).requests >= 300
    # A town hall, or the venue's Wi-Fi: one address for everyone.
    Event.objects.filter(pk=event.pk).update(capacity=400)
    address = "198.51.100.77"
    guesser = Client(REMOTE_ADDR=address, HTTP_USER_AGENT="Guesser/1.0")
    dropper_guesses = 0  # a second guesser that drops its cookies and changes its headers
    answers, guesses = [], []
    for n in range(1, 301):
        person = Client(REMOTE_ADDR=address, HTTP_USER_AGENT="Mozilla/5.0 (the same phone as everyone)")
        created = post_json(person, "/api/v1/registrations", registration_payload(n))
        answers.append(created.status_code)
        if created.status_code != 201:
            continue
        body = created.json()
        token = body["manage_url"].rstrip("/").rsplit("/", 1)[-1]
        answers += [
            person.get(f"/r/{token}/").status_code,
            person.get(f"/r/{token}/badge/").status_code,
            person.get(body["badge_url"]).status_code,
        ]
        guesses.append(guesser.get(f"/r/{secrets.token_urlsafe(24)}/").status_code)
        dropper = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=f"Guesser/{n}")
        dropper_guesses += dropper.get(f"/badge/{secrets.token_urlsafe(24)}.svg").status_code == 429

    assert answers == [201, 200, 200, 200] * 300
    assert Registration.objects.count() == 300
    assert guesses == [404] * 20 + [429] * 280
    # The two guessers' first 50 misses each use up the address's 100: then only 429s, for misses.
    assert dropper_guesses == 300 - 50
