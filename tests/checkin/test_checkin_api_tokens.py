"""The check-in's staff operations take an organiser's API token of the `check-in` scope (issue 19):
with it 200, with another scope 403, without a token 401, next to the scanner devices and sessions."""

import pytest

from checkin.models import CheckIn, Scan
from events.services import create_api_token, revoke_api_token
from tests.support import post_json

CHECK_IN_OPERATIONS = [
    ("get", "/api/v1/stats"),
    ("get", "/api/v1/checkin/list"),
    ("get", "/api/v1/checkin/scanner"),
    ("get", "/api/v1/checkin/search?q=Jansen"),
]


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def check_in_token(staff_user, event) -> str:
    return create_api_token(staff_user, name="Aanmeldbalie-script", scopes=["check-in"])[1]


@pytest.fixture
def other_scopes_token(staff_user, event) -> str:
    return create_api_token(
        staff_user, name="Alles behalve", scopes=["read", "programme", "registrations", "messages"]
    )[1]


@pytest.fixture
def person(make_attendee, programme):
    return make_attendee(1, programme["raad"], last_name="Jansen")


@pytest.mark.parametrize(("method", "path"), CHECK_IN_OPERATIONS)
def test_a_check_in_token_reads_a_token_of_other_scopes_is_refused(
    api, person, check_in_token, other_scopes_token, method, path
):
    allowed = getattr(api, method)(path, **bearer(check_in_token))
    refused = getattr(api, method)(path, **bearer(other_scopes_token))
    anonymous = getattr(api, method)(path)
    unknown = getattr(api, method)(path, **bearer("dld_" + "x" * 40))

    assert allowed.status_code == 200
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    assert (anonymous.status_code, unknown.status_code) == (401, 401)


def test_a_check_in_token_redeems_and_undoes_without_session_or_csrf(
    api, person, staff_user, check_in_token, other_scopes_token
):
    refused = post_json(
        api, "/api/v1/checkin/redeem", {"secret": person.badge_secret}, **bearer(other_scopes_token)
    )
    assert (refused.status_code, CheckIn.objects.count()) == (403, 0)

    redeemed = post_json(
        api, "/api/v1/checkin/redeem", {"secret": person.badge_secret}, **bearer(check_in_token)
    )
    assert (redeemed.status_code, redeemed.json()["status"]) == (200, "ok")
    scan = Scan.objects.get()
    assert (scan.user, scan.device) == (staff_user, None)  # the token's organiser did it

    undone = post_json(api, "/api/v1/checkin/undo", {"secret": person.badge_secret}, **bearer(check_in_token))
    assert (undone.status_code, undone.json()["status"], CheckIn.objects.count()) == (200, "undone", 0)


def test_stats_count_what_a_token_checked_in(api, person, check_in_token):
    post_json(api, "/api/v1/checkin/redeem", {"secret": person.badge_secret}, **bearer(check_in_token))
    assert api.get("/api/v1/stats", **bearer(check_in_token)).json()["checked_in"] == 1


def test_a_revoked_check_in_token_is_no_token(api, event, staff_user):
    token, secret = create_api_token(staff_user, name="Weg", scopes=["check-in"])
    revoke_api_token(token)
    assert api.get("/api/v1/stats", **bearer(secret)).status_code == 401


def test_a_scanner_device_and_a_staff_session_still_work(api, staff_client, person, scanner_headers):
    assert api.get("/api/v1/stats", **scanner_headers).status_code == 200
    assert staff_client.get("/api/v1/stats").status_code == 200


def test_the_schema_names_the_check_in_scope_on_each_staff_operation(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    staff = {
        (method, path): (operation["security"], "403" in operation["responses"])
        for path, operations in paths.items()
        for method, operation in operations.items()
        if path.startswith(("/api/v1/checkin/", "/api/v1/stats")) and operation.get("security")
    }
    assert staff == {
        key: ([{"OrganiserToken": ["check-in"]}, {"DeviceToken": []}, {"StaffSession": []}], True)
        for key in [
            ("post", "/api/v1/checkin/redeem"),
            ("post", "/api/v1/checkin/undo"),
            ("get", "/api/v1/checkin/list"),
            ("get", "/api/v1/stats"),
            ("get", "/api/v1/checkin/scanner"),
            ("patch", "/api/v1/checkin/scanner"),
            ("get", "/api/v1/checkin/search"),
            ("get", "/api/v1/checkin/announcements"),
        ]
    }
