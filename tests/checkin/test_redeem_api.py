"""POST /api/v1/checkin/redeem and /undo: statuses, nonce replay, auth, and what is recorded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from checkin.models import CheckIn, Device, Scan
from checkin.services import redeem
from tests.clock import at
from tests.factories import registration_payload
from tests.support import post_json

REDEEM = "/api/v1/checkin/redeem"
UNDO = "/api/v1/checkin/undo"


@pytest.fixture
def attendee(make_attendee, programme, municipalities):
    return make_attendee(
        1,
        programme["raad"],
        first_name="Jan",
        last_name="Jansen",
        email="jan@amersfoort.example",
        role="wethouder",
    )


def scan(api, headers, secret, **extra):
    return post_json(api, REDEEM, {"secret": secret, **extra}, **headers)


def test_first_scan_is_ok_with_the_attendee(api, scanner_headers, attendee):
    response = scan(api, scanner_headers, f"DLD1:{attendee.badge_secret}")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["attendee"] == {
        "name": "Jan Jansen",
        "role": "wethouder",
        "role_label": "Wethouder",
        "municipality": "Amersfoort",
    }
    assert body["checked_in_at"] is not None
    assert CheckIn.objects.filter(registration=attendee, workshop=None).count() == 1


def test_second_scan_is_already_checked_in_with_the_first_time(api, scanner_headers, attendee):
    first = scan(api, scanner_headers, f"DLD1:{attendee.badge_secret}").json()
    second = scan(api, scanner_headers, f"DLD1:{attendee.badge_secret}").json()

    assert second["status"] == "already_checked_in"
    assert second["checked_in_at"] == first["checked_in_at"]
    assert CheckIn.objects.count() == 1
    assert list(Scan.objects.order_by("id").values_list("status", flat=True)) == ["ok", "already_checked_in"]


def test_bare_secret_and_lower_case_are_accepted(api, scanner_headers, attendee):
    assert scan(api, scanner_headers, attendee.badge_secret.lower()).json()["status"] == "ok"


def test_unknown_badge_is_recorded(api, scanner_headers, scanner, attendee):
    response = scan(api, scanner_headers, "DLD1:AAAABBBBCCCCDDDDEEEEFFFFGGGGHHHH")

    assert response.status_code == 200
    assert response.json() == {
        "status": "unknown",
        "attendee": None,
        "checked_in_at": None,
        "replaced_at": None,
        "scanned_at": response.json()["scanned_at"],
        "workshop": None,
    }
    recorded = Scan.objects.get()
    assert (recorded.status, recorded.device, recorded.registration) == ("unknown", scanner[0], None)


def test_cancelled_registration(api, scanner_headers, attendee):
    attendee.status = "cancelled"
    attendee.save()
    assert scan(api, scanner_headers, attendee.badge_secret).json()["status"] == "cancelled"
    assert CheckIn.objects.count() == 0


def test_workshop_door_checks_the_booking(api, scanner_headers, attendee, programme):
    booked = scan(api, scanner_headers, attendee.badge_secret, workshop=programme["raad"].pk).json()
    other = scan(api, scanner_headers, attendee.badge_secret, workshop=programme["digital"].pk).json()

    assert (booked["status"], booked["workshop"]) == ("ok", programme["raad"].pk)
    assert other["status"] == "not_booked"
    # The workshop door and the entrance are separate places.
    assert scan(api, scanner_headers, attendee.badge_secret).json()["status"] == "ok"


def test_same_nonce_returns_the_first_answer(api, scanner_headers, attendee):
    first = scan(api, scanner_headers, attendee.badge_secret, nonce="queue-item-0001").json()
    retried = scan(api, scanner_headers, attendee.badge_secret, nonce="queue-item-0001").json()

    assert retried == first
    assert first["status"] == "ok"
    assert Scan.objects.count() == 1
    assert CheckIn.objects.count() == 1


def test_a_nonce_of_another_device_is_a_conflict(api, scanner_headers, attendee, event):
    scan(api, scanner_headers, attendee.badge_secret, nonce="queue-item-0002")
    _device, other_token = services_create_device(event)
    response = scan(
        api, {"HTTP_AUTHORIZATION": f"Bearer {other_token}"}, attendee.badge_secret, nonce="queue-item-0002"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "nonce_reused"


def services_create_device(event):
    from checkin.services import create_device

    return create_device(event=event, name="Zaal A")


def test_offline_scan_keeps_its_time(api, scanner_headers, attendee, time_machine):
    time_machine.move_to(at(12), tick=True)
    scanned_at = timezone.now() - timedelta(minutes=7)
    body = scan(
        api, scanner_headers, attendee.badge_secret, nonce="offline-000001", scanned_at=scanned_at.isoformat()
    ).json()

    assert body["status"] == "ok"
    assert CheckIn.objects.get().checked_in_at == scanned_at.replace(microsecond=scanned_at.microsecond)


def test_a_scan_from_the_future_is_dated_now(event, attendee, scanner, time_machine):
    time_machine.move_to(at(12), tick=True)
    made = redeem(
        event=event,
        secret=attendee.badge_secret,
        device=scanner[0],
        scanned_at=timezone.now() + timedelta(hours=2),
    )
    assert made.scanned_at <= timezone.now()


def test_undo_takes_the_checkin_back(api, scanner_headers, attendee):
    scan(api, scanner_headers, attendee.badge_secret)
    undone = post_json(api, UNDO, {"secret": attendee.badge_secret}, **scanner_headers).json()
    again = post_json(api, UNDO, {"secret": attendee.badge_secret}, **scanner_headers).json()

    assert (undone["status"], again["status"]) == ("undone", "not_checked_in")
    assert CheckIn.objects.count() == 0
    assert scan(api, scanner_headers, attendee.badge_secret).json()["status"] == "ok"


def test_device_last_seen_is_recorded(api, scanner_headers, scanner, attendee):
    scan(api, scanner_headers, attendee.badge_secret)
    assert Device.objects.get(pk=scanner[0].pk).last_seen_at is not None


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"secret": ""},
        {"secret": "x" * 500},
        {"secret": "ABC", "workshop": "een"},
        {"secret": "ABC", "nonce": "kort"},
    ],
)
def test_bad_redeem_input_is_422(api, scanner_headers, attendee, payload):
    response = post_json(api, REDEEM, payload, **scanner_headers)
    assert response.status_code == 422
    assert Scan.objects.count() == 0


def test_unknown_workshop_is_422(api, scanner_headers, attendee):
    response = scan(api, scanner_headers, attendee.badge_secret, workshop=987654)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["workshop"]


def test_anonymous_and_bad_tokens_are_401(api, attendee, scanner):
    assert scan(api, {}, attendee.badge_secret).status_code == 401
    assert scan(api, {"HTTP_AUTHORIZATION": "Bearer wrong"}, attendee.badge_secret).status_code == 401
    Device.objects.filter(pk=scanner[0].pk).update(revoked_at=timezone.now())
    assert scan(api, {"HTTP_AUTHORIZATION": f"Bearer {scanner[1]}"}, attendee.badge_secret).status_code == 401
    assert Scan.objects.count() == 0


def test_logged_in_staff_scan_with_csrf(staff_client, staff_user, attendee):
    staff_client.get("/scan/")
    csrf = staff_client.cookies["csrftoken"].value
    without = post_json(staff_client, REDEEM, {"secret": attendee.badge_secret})
    with_token = post_json(staff_client, REDEEM, {"secret": attendee.badge_secret}, HTTP_X_CSRFTOKEN=csrf)

    assert without.status_code == 403  # no CSRF token
    assert with_token.json()["status"] == "ok"
    assert Scan.objects.get().user == staff_user


def test_non_staff_users_cannot_scan(api, attendee, django_user_model):
    user = django_user_model.objects.create_user("bezoeker", password="x")
    api.force_login(user)
    assert scan(api, {}, attendee.badge_secret).status_code == 401


def test_offline_list_holds_hashes_and_names_only(api, scanner_headers, attendee):
    body = api.get("/api/v1/checkin/list", **scanner_headers).json()

    assert body["hash"] == "sha256"
    assert body["people"] == [
        {
            "hash": attendee.badge_hash,
            "reference": attendee.reference,
            "name": "Jan Jansen",
            "role_label": "Wethouder",
            "municipality": "Amersfoort",
            "status": "confirmed",
            "workshops": [attendee.bookings.get().workshop_id],
            "checked_in": False,
            "checked_in_at": None,
            "workshops_checked_in": [],
            "workshops_checked_in_at": {},
        }
    ]
    assert attendee.badge_secret not in str(body) and attendee.email not in str(body)


def test_offline_list_has_the_first_check_in_times(api, scanner_headers, attendee, programme):
    entrance = scan(api, scanner_headers, attendee.badge_secret).json()
    room = scan(api, scanner_headers, attendee.badge_secret, workshop=programme["raad"].pk).json()

    person = api.get("/api/v1/checkin/list", **scanner_headers).json()["people"][0]

    assert (person["checked_in"], person["checked_in_at"]) == (True, entrance["checked_in_at"])
    assert person["workshops_checked_in"] == [programme["raad"].pk]
    assert person["workshops_checked_in_at"] == {str(programme["raad"].pk): room["checked_in_at"]}


def test_offline_list_needs_staff(api, attendee):
    assert api.get("/api/v1/checkin/list").status_code == 401


def test_stats(api, scanner_headers, attendee, programme, make_attendee, municipalities):
    make_attendee(2, municipality=municipalities["GM0363"])
    scan(api, scanner_headers, attendee.badge_secret)
    scan(api, scanner_headers, attendee.badge_secret, workshop=programme["raad"].pk)

    body = api.get("/api/v1/stats", **scanner_headers).json()

    assert (body["registered"], body["checked_in"], body["not_arrived"], body["cancelled"]) == (2, 1, 1, 0)
    raad = next(w for w in body["workshops"] if w["id"] == programme["raad"].pk)
    assert (raad["booked"], raad["checked_in"], raad["capacity"]) == (1, 1, 40)
    assert sum(minute["count"] for minute in body["arrivals_per_minute"]) == 1
    assert {row["role"]: (row["registered"], row["checked_in"]) for row in body["by_role"]} == {
        "wethouder": (1, 1),
        "raadslid": (1, 0),
    }
    assert {row["province"]: row["registered"] for row in body["by_province"]} == {
        "Utrecht": 1,
        "Noord-Holland": 1,
    }


def test_stats_need_staff(api, attendee):
    assert api.get("/api/v1/stats").status_code == 401


def test_registration_payload_helper_is_valid(api, programme):
    # Guards the fixtures themselves: the shared payload registers.
    assert post_json(api, "/api/v1/registrations", registration_payload()).status_code == 201


def test_redeem_stays_a_handful_of_queries(event, attendee, scanner, programme, django_assert_num_queries):
    # Savepoint, registration (locked, with its check-in here and its seat), two inserts, the webhook
    # endpoints that want a check-in, last-seen, release. The nonce costs nothing unless it was seen before.
    with django_assert_num_queries(7):
        redeem(event=event, secret=attendee.badge_secret, device=scanner[0], nonce="handful-0001")
    # A workshop door checks the seat in that same query (walk-in logic only runs without one);
    # the device was seen a moment ago, so its last-seen time is not written again.
    with django_assert_num_queries(6):
        redeem(
            event=event,
            secret=attendee.badge_secret,
            device=scanner[0],
            nonce="handful-0002",
            workshop=programme["raad"],
        )
    # Scanned again: the first check-in's time comes with the locked registration, no query of its own.
    with django_assert_num_queries(4):
        again = redeem(event=event, secret=attendee.badge_secret, device=scanner[0], nonce="handful-0003")
    assert again.status == "already_checked_in"


def test_a_process_remembers_a_device_briefly_and_forgets_it_when_revoked(
    scanner, settings, django_assert_num_queries
):
    from checkin.services import authenticate_device, revoke_device

    device, token = scanner
    with django_assert_num_queries(1):
        assert authenticate_device(token) == device
    with django_assert_num_queries(0):
        assert authenticate_device(token) == device
    # Revoked in another process: this one trusts its memory until it is too old.
    Device.objects.filter(pk=device.pk).update(revoked_at=timezone.now())
    assert authenticate_device(token) == device
    settings.SCANNER_DEVICE_MEMORY_SECONDS = 0  # the memory is now too old
    assert authenticate_device(token) is None
    # Revoked here: forgotten at once.
    other, other_token = services_create_device(device.event)
    assert authenticate_device(other_token) == other
    revoke_device(other)
    assert authenticate_device(other_token) is None
