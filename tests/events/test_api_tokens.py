"""Organisers' API tokens (issue 19): scoped, expiring, revocable, stored hashed, audited, and
accepted as `Authorization: Bearer <token>` by every organiser operation without a session or CSRF."""

import datetime
import io

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from config import ratelimit
from events.errors import InvalidInput
from events.models import ApiToken, Workshop, secret_hash
from events.services import create_api_token, revoke_api_token
from tests.support import trail


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def patch(client, path, data, **extra):
    return client.patch(path, data=data, content_type="application/json", **extra)


@pytest.fixture
def programme_token(staff_user, event) -> str:
    return create_api_token(staff_user, name="Zaalborden", scopes=["programme"])[1]


@pytest.fixture
def read_token(staff_user, event) -> str:
    return create_api_token(staff_user, name="Overzicht", scopes=["read"])[1]


def test_a_token_changes_the_programme_without_session_or_csrf(api, programme, programme_token):
    small = programme["small"]
    response = patch(api, f"/api/v1/workshops/{small.pk}", {"capacity": 25}, **bearer(programme_token))

    assert response.status_code == 200
    assert (response.json()["capacity"], response.json()["sequence"]) == (25, 1)
    # Done by the organiser, through the token's own door.
    assert [
        (action, door, actor) for action, _repr, door, actor, _c in trail(action__startswith="workshop.")
    ] == [("workshop.capacity_changed", "api-token", "organisator")]


def test_a_token_cancels_a_workshop(api, programme, programme_token):
    response = api.post(f"/api/v1/workshops/{programme['digital'].pk}/cancel", **bearer(programme_token))
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")


def test_a_token_outside_its_scope_is_refused_with_403_and_changes_nothing(api, programme, read_token):
    small = programme["small"]
    response = patch(api, f"/api/v1/workshops/{small.pk}", {"capacity": 25}, **bearer(read_token))

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert (Workshop.objects.get(pk=small.pk).capacity, Workshop.objects.get(pk=small.pk).sequence) == (
        small.capacity,
        0,
    )
    assert trail(action__startswith="workshop.") == []


def test_the_read_scope_reads_the_directory_and_nothing_else(api, event, read_token, programme_token):
    assert api.get("/api/v1/directory", **bearer(read_token)).status_code == 200
    assert api.get("/api/v1/directory", **bearer(programme_token)).status_code == 403


def test_revoked_expired_unknown_and_former_organisers_tokens_are_401(api, programme, staff_user):
    path = f"/api/v1/workshops/{programme['small'].pk}"
    revoked_token, revoked = create_api_token(staff_user, name="Weg", scopes=["programme"])
    revoke_api_token(revoked_token)
    soon = timezone.now() + datetime.timedelta(hours=1)
    _expiring, expiring = create_api_token(staff_user, name="Kort", scopes=["programme"], expires_at=soon)
    _demoted, demoted = create_api_token(staff_user, name="Oud", scopes=["programme"])

    assert patch(api, path, {"capacity": 3}, **bearer(revoked)).status_code == 401
    assert patch(api, path, {"capacity": 3}, **bearer("dld_" + "x" * 43)).status_code == 401
    assert patch(api, path, {"capacity": 3}, **bearer("not-a-token")).status_code == 401
    with time_machine.travel(soon + datetime.timedelta(seconds=1)):
        response = patch(api, path, {"capacity": 3}, **bearer(expiring))
    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")
    staff_user.is_staff = False
    staff_user.save()
    assert patch(api, path, {"capacity": 3}, **bearer(demoted)).status_code == 401
    assert Workshop.objects.get(pk=programme["small"].pk).sequence == 0


def test_a_token_is_stored_hashed_and_its_last_use_is_seen(api, event, staff_user):
    token, secret = create_api_token(staff_user, name="Zaalborden", scopes=["read", "programme"])

    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored["token_hash"] == secret_hash(secret)
    assert secret not in str(stored)
    assert (stored["scopes"], stored["last_used_at"]) == (["read", "programme"], None)
    api.get("/api/v1/directory", **bearer(secret))
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_default_expiry_is_ninety_days(event, staff_user):
    token, _secret = create_api_token(staff_user, name="Standaard", scopes=["read"])
    assert token.expires_at - token.created_at == datetime.timedelta(days=90)


def test_creating_and_revoking_are_in_the_trail(event, staff_user):
    token, _secret = create_api_token(staff_user, name="Zaalborden", scopes=["programme", "read"])
    assert revoke_api_token(token) is True
    assert revoke_api_token(token) is False  # once is enough

    entries = trail(action__startswith="api_token.")
    assert [(action, repr_, door) for action, repr_, door, _actor, _changes in entries] == [
        ("api_token.created", "Zaalborden", "shell"),
        ("api_token.revoked", "Zaalborden", "shell"),
    ]


@pytest.mark.parametrize(
    ("name", "scopes", "expires_in", "field"),
    [
        ("", ["read"], datetime.timedelta(days=1), "name"),
        ("Zaalborden", [], datetime.timedelta(days=1), "scopes"),
        ("Zaalborden", ["read", "everything"], datetime.timedelta(days=1), "scopes"),
        ("Zaalborden", ["read"], -datetime.timedelta(seconds=1), "expires_at"),
        ("Zaalborden", ["read"], datetime.timedelta(days=400), "expires_at"),
    ],
)
def test_bad_input_makes_no_token(event, staff_user, name, scopes, expires_in, field):
    with pytest.raises(InvalidInput) as refused:
        create_api_token(staff_user, name=name, scopes=scopes, expires_at=timezone.now() + expires_in)
    assert list(refused.value.errors) == [field]
    assert (ApiToken.objects.count(), trail()) == (0, [])


def test_the_command_prints_a_working_token_as_its_last_line(api, programme, staff_user):
    out = io.StringIO()
    call_command(
        "create_api_token", "organisator", "--scopes", "read,programme", stdout=out, stderr=io.StringIO()
    )
    secret = out.getvalue().strip().splitlines()[-1]

    assert ApiToken.objects.get().scopes == ["read", "programme"]
    path = f"/api/v1/workshops/{programme['small'].pk}"
    assert patch(api, path, {"capacity": 25}, **bearer(secret)).status_code == 200


@pytest.mark.parametrize(
    ("username", "scopes", "message"),
    [
        ("organisator", "read,alles", "scopes: Onbekende bevoegdheid: alles."),
        ("niemand", "read", "There is no user 'niemand'."),
    ],
)
def test_the_command_refuses_bad_input(staff_user, username, scopes, message):
    with pytest.raises(CommandError) as refused:
        call_command(
            "create_api_token", username, "--scopes", scopes, stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert (str(refused.value), ApiToken.objects.count()) == (message, 0)


def test_organisers_make_and_revoke_tokens_in_the_admin(organiser_admin, api, event, settings):
    settings.LANGUAGE_CODE = "en"
    expires = timezone.localtime(timezone.now() + datetime.timedelta(days=30))
    response = organiser_admin.post(
        "/admin/events/apitoken/add/",
        {
            "name": "Zaalborden",
            "scopes": ["read"],
            "expires_at_0": expires.strftime("%Y-%m-%d"),
            "expires_at_1": expires.strftime("%H:%M:%S"),
        },
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    secret = next(word for message in shown for word in message.split() if "dld_" in word)
    secret = secret.removeprefix("<code>").removesuffix("</code>")
    token = ApiToken.objects.get()
    assert (token.name, token.scopes, token.token_hash) == ("Zaalborden", ["read"], secret_hash(secret))
    assert api.get("/api/v1/directory", **bearer(secret)).status_code == 200
    # The secret is shown once: the token's own page does not have it.
    assert secret not in organiser_admin.get(f"/admin/events/apitoken/{token.pk}/change/").content.decode()

    organiser_admin.post(
        "/admin/events/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert api.get("/api/v1/directory", **bearer(secret)).status_code == 401
    assert [action for action, *_rest in trail(action__startswith="api_token.")] == [
        "api_token.created",
        "api_token.revoked",
    ]
    assert {door for _a, _r, door, actor, _c in trail(action__startswith="api_token.")} == {"admin"}


def test_the_admin_refuses_an_expiry_in_the_past(organiser_admin, event):
    past = timezone.localtime(timezone.now() - datetime.timedelta(days=1))
    response = organiser_admin.post(
        "/admin/events/apitoken/add/",
        {
            "name": "Zaalborden",
            "scopes": ["read"],
            "expires_at_0": past.strftime("%Y-%m-%d"),
            "expires_at_1": past.strftime("%H:%M:%S"),
        },
    )
    assert (response.status_code, list(response.context["adminform"].form.errors)) == (200, ["expires_at"])
    assert ApiToken.objects.count() == 0


def test_the_schema_documents_the_scheme_and_each_operations_scope(api):
    schema = api.get("/api/v1/openapi.json").json()
    assert schema["components"]["securitySchemes"]["OrganiserToken"]["scheme"] == "bearer"
    paths = schema["paths"]
    scopes = {
        (method, path): operation["security"][0]
        for path, operations in paths.items()
        for method, operation in operations.items()
        if operation.get("security") and "OrganiserToken" in operation["security"][0]
    }
    assert scopes == {
        ("get", "/api/v1/directory"): {"OrganiserToken": ["read"]},
        ("patch", "/api/v1/workshops/{workshop_id}"): {"OrganiserToken": ["programme"]},
        ("post", "/api/v1/workshops/{workshop_id}/cancel"): {"OrganiserToken": ["programme"]},
        ("post", "/api/v1/workshops/{workshop_id}/moderator-link"): {"OrganiserToken": ["programme"]},
        ("post", "/api/v1/webhooks"): {"OrganiserToken": ["registrations"]},
        ("post", "/api/v1/invitation-codes"): {"OrganiserToken": ["registrations"]},
        ("post", "/api/v1/invitation-codes/{code_id}/holds/{workshop_id}/release"): {
            "OrganiserToken": ["registrations"]
        },
        ("post", "/api/v1/announcements"): {"OrganiserToken": ["messages"]},
        ("delete", "/api/v1/announcements/{announcement_id}"): {"OrganiserToken": ["messages"]},
        ("post", "/api/v1/checkin/redeem"): {"OrganiserToken": ["check-in"]},
        ("post", "/api/v1/checkin/undo"): {"OrganiserToken": ["check-in"]},
        ("get", "/api/v1/checkin/list"): {"OrganiserToken": ["check-in"]},
        ("get", "/api/v1/stats"): {"OrganiserToken": ["check-in"]},
        ("get", "/api/v1/checkin/scanner"): {"OrganiserToken": ["check-in"]},
        ("patch", "/api/v1/checkin/scanner"): {"OrganiserToken": ["check-in"]},
        ("get", "/api/v1/checkin/search"): {"OrganiserToken": ["check-in"]},
        ("get", "/api/v1/checkin/announcements"): {"OrganiserToken": ["check-in"]},
        **{
            (method, f"/api/v1/board{path}"): {"OrganiserToken": ["programme"]}
            for method, path in [
                ("get", ""),
                ("post", "/preview"),
                ("post", "/apply"),
                ("post", "/rooms"),
                ("patch", "/rooms/{room_id}"),
                ("post", "/rounds"),
                ("patch", "/rounds/{round_id}"),
                ("post", "/workshops"),
                ("patch", "/workshops/{workshop_id}"),
            ]
        },
    }
    assert paths["/api/v1/directory"]["get"]["security"][1] == {"StaffSession": []}
    assert {"401", "403", "429"} <= set(paths["/api/v1/directory"]["get"]["responses"])


def test_requests_are_limited_per_token(api, event, staff_user, settings):
    ratelimit.reset()
    cache.clear()
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "scanner": "3/60"}
    first = create_api_token(staff_user, name="Een", scopes=["read"])[1]
    second = create_api_token(staff_user, name="Twee", scopes=["read"])[1]

    answers = [api.get("/api/v1/directory", **bearer(first)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert api.get("/api/v1/directory", **bearer(second)).status_code == 200
    ratelimit.reset()
