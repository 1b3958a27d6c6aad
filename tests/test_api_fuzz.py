"""Property-based fuzzing of the whole API from its own OpenAPI schema (schemathesis).

Every operation gets valid and invalid input, anonymously and with the credentials it declares
(a paired scanner's bearer token, an organiser's session, an organiser's API token with every
scope). No answer may be a 500, every answer must be documented (status code, content type, body
schema), and every 4xx is JSON with a stable `code` and a readable `detail`. Bounded and derandomised: the same examples on every run.

`FUZZ_EXAMPLES` (default 25) sets the examples per operation, mode and credential;
`python -m bench.fuzz` runs this file with more and prints the figures as JSON.
"""

import contextlib
import json
import os
import time
from collections import Counter

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from checkin.services import create_device
from events.models import ApiToken, Event, Workshop
from events.room import services as room_services
from events.services import create_api_token
from networking.models import Offer

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
REPORT = os.environ.get("FUZZ_REPORT", "")
SCHEMA_PATH = "/api/v1/openapi.json"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
MODES = {
    "anonymous": None,
    "scanner": "DeviceToken",
    "staff": "StaffSession",
    "token": "OrganiserToken",
}


def readable_client_error(response) -> None:
    """Every 4xx is our error shape: JSON with a stable `code` and a non-empty `detail` for people."""
    if not 400 <= response.status_code < 500:
        return
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith("application/json"), (content_type, response.text[:200])
    body = response.json()
    assert isinstance(body, dict), body
    assert isinstance(body.get("detail"), str) and body["detail"].strip(), body
    assert isinstance(body.get("code"), str) and body["code"], body


@pytest.fixture
def world(programme, make_attendee, django_user_model) -> dict:
    """A demo event with a programme, an attendee with seats, a paired scanner and an organiser."""
    event = Event.objects.get()
    registration = make_attendee(1, programme["raad"], programme["digital"])
    Offer.objects.create(event=event, slug="raadsacademie", title="Raadsacademie", places=1)
    Offer.objects.create(event=event, slug="netwerk", title="Netwerk", places=None)
    _device, device_token = create_device(event=event, name="Ingang fuzz")
    staff = django_user_model.objects.create_user("fuzz-organisator", password="x", is_staff=True)
    _token, api_token = create_api_token(staff, name="Fuzz", scopes=list(ApiToken.Scope.values))
    client = Client()
    client.force_login(staff)
    csrf = _get_new_csrf_string()
    # An open poll of each kind and an approved question, for the room's operations to aim at.
    polls = [
        room_services.open_poll(
            room_services.create_poll(programme["raad"], question=kind, kind=kind, options=options)
        )
        for kind, options in [
            ("single", ["A", "B"]),
            ("multiple", ["A", "B", "C"]),
            ("scale", []),
            ("words", []),
        ]
    ]
    question = room_services.ask(registration, programme["raad"], text="Vraag?", show_name=True)
    room_services.moderate(question, "approve")
    return {
        "poll_ids": [poll.pk for poll in polls],
        "registration": registration,
        "manage_token": registration.manage_token,
        "workshop_ids": list(Workshop.objects.values_list("pk", flat=True)),
        "offers": ["raadsacademie", "netwerk"],
        "credentials": {
            "anonymous": {"headers": {}, "cookies": {}},
            "scanner": {"headers": {"Authorization": f"Bearer {device_token}"}, "cookies": {}},
            "token": {"headers": {"Authorization": f"Bearer {api_token}"}, "cookies": {}},
            "staff": {
                "headers": {"X-CSRFToken": csrf},
                "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
            },
        },
    }


@pytest.fixture
def wsgi_requests_share_the_test_transaction():
    """Like Django's test client: a request must not close the connection that holds the test's
    transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def operations_for(schema, mode: str) -> list:
    scheme = MODES[mode]
    chosen = []
    for result in schema.get_all_operations():
        operation = result.ok()
        security = operation.definition.raw.get("security") or []
        schemes = {name for requirement in security for name in requirement}
        if scheme is None or scheme in schemes:
            chosen.append(operation)
    return chosen


def realistic_fields(world: dict, body: dict):
    """Values that exist, for the fields the body has: so that some input gets past validation and
    reaches the services (a real badge, workshop, municipality, offer; a fresh e-mail address)."""
    registration = world["registration"]
    workshop = st.sampled_from(world["workshop_ids"])
    person = st.builds(
        lambda n, role, with_email: {
            "first_name": "Fuzz",
            "last_name": f"Persoon {n}",
            "email": f"person{n}@fuzz.example" if with_email else "",
            "role": role,
        },
        st.integers(1, 10**6),
        st.sampled_from(["raadslid", "griffier", "burgemeester"]),
        st.booleans(),
    )
    known = {
        "secret": st.just(registration.badge_secret),
        "reference": st.just(registration.reference),
        "workshop": st.one_of(st.none(), workshop),
        "workshops": st.lists(workshop, max_size=3, unique=True),
        "municipality": st.sampled_from(["GM0307", "GM0363", "Amersfoort"]),
        "email": st.integers(1, 10**6).map(lambda n: f"fuzz{n}@fuzz.example"),
        "contact_email": st.integers(1, 10**6).map(lambda n: f"contact{n}@fuzz.example"),
        "offers": st.lists(st.sampled_from(world["offers"]), min_size=1, unique=True),
        "poll": st.sampled_from(world["poll_ids"]),
        "session": workshop,
        # A delegation: a coordinator and members that pass validation, so the service is reached.
        "coordinator": person,
        "members": st.lists(
            st.fixed_dictionaries({"workshops": st.lists(workshop, max_size=2, unique=True)}).flatmap(
                lambda extra: person.map(lambda p: {**p, **extra})
            ),
            min_size=1,
            max_size=4,
        ),
    }
    return st.fixed_dictionaries({name: known[name] for name in body if name in known})


def fuzz_operation(operation, world: dict, mode: str, examples: int) -> tuple[int, list[str]]:
    """Run `examples` valid and `examples` invalid cases against one operation."""
    credentials = world["credentials"][mode]
    tried = 0
    failures: list[str] = []
    statuses = world["statuses"]
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    with contextlib.suppress(Exception):  # nothing to negate: no parameters, no body
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))

    for strategy in strategies:

        @hypothesis.settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            report_multiple_bugs=True,
        )
        @hypothesis.given(case=strategy, data=st.data())
        def run(case, data):
            nonlocal tried
            tried += 1
            # Half the time, aim at things that exist: the attendee's token, a real workshop.
            if "manage_token" in (case.path_parameters or {}) and data.draw(st.booleans()):
                case.path_parameters["manage_token"] = world["manage_token"]
            if "workshop_id" in (case.path_parameters or {}) and data.draw(st.booleans()):
                case.path_parameters["workshop_id"] = data.draw(st.sampled_from(world["workshop_ids"]))
            if isinstance(case.body, dict) and data.draw(st.booleans()):
                case.body = {**case.body, **data.draw(realistic_fields(world, case.body))}
            response = case.call(**credentials)
            statuses[f"{response.status_code // 100}xx"] += 1
            case.validate_response(response, checks=CHECKS, headers=credentials["headers"])
            readable_client_error(response)

        try:
            run()
        except hypothesis.errors.Unsatisfiable:
            pass
        except (Exception, BaseExceptionGroup) as error:
            failures.append(f"{operation.label}: {error}"[:3000])
    return tried, failures


@pytest.mark.parametrize("mode", list(MODES))
def test_api_fuzz(mode, settings, world, wsgi_requests_share_the_test_transaction):
    settings.RATE_LIMITS_ENABLED = False
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application())
    started = time.perf_counter()
    operations = operations_for(schema, mode)
    examples = 0
    failures: list[str] = []
    world["statuses"] = Counter()
    for operation in operations:
        tried, found = fuzz_operation(operation, world, mode, EXAMPLES)
        examples += tried
        failures += found
    figures = {
        "mode": mode,
        "operations": len(operations),
        "examples": examples,
        "failures": len(failures),
        "statuses": dict(sorted(world["statuses"].items())),
        "wall_s": round(time.perf_counter() - started, 1),
    }
    print(f"fuzz {json.dumps(figures)}")
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as report:
            report.write(json.dumps(figures) + "\n")
    for failure in failures:
        print(failure)
    assert failures == []


NUL_REQUESTS = [
    ("get", "/api/v1/municipalities?q=Am%00", None),
    ("get", "/api/v1/checkin/search?q=De%00", None),
    ("post", "/api/v1/checkin/redeem", {"reference": "DLD-\x00"}),
    ("post", "/api/v1/checkin/redeem", {"secret": "DLD1:\x00"}),
    ("post", "/api/v1/checkin/pair", {"code": "abcdefgh\x00"}),
    ("post", "/api/v1/registrations", {"first_name": "A\x00", "last_name": "B", "role": "raadslid"}),
]


@pytest.mark.parametrize(("method", "path", "body"), NUL_REQUESTS)
def test_a_nul_character_is_422_not_a_database_error(method, path, body, event, api, scanner_headers):
    """PostgreSQL cannot store or compare text with NUL: found by the fuzzer's Postgres run."""
    if body is None:
        response = api.get(path, **scanner_headers)
    else:
        response = api.post(path, data=json.dumps(body), content_type="application/json", **scanner_headers)
    assert response.status_code == 422
    assert response.json()["detail"] == "Niet alle velden zijn goed ingevuld."
    assert list(response.json()["errors"].values()) == [["Null-tekens zijn niet toegestaan."]]


def test_a_session_cookie_with_a_nul_character_is_401(event, api):
    api.cookies["sessionid"] = "abcdefgh\x00ijkl"
    response = api.get("/api/v1/stats")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_session_cookie_with_a_nul_character_is_no_session_on_pages_either(event, client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/dashboard/").status_code == 302
    assert client.get(f"/r/{'x' * 32}/").status_code == 404
