"""The scanner's API beyond plain redeem: workshop doors with walk-ins, check-in by reference,
pairing a phone, revoking it, the device's door, and the name search."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from checkin.models import CheckIn, Device, PairingCode, Scan
from checkin.services import create_device, new_pairing_code, pair_device, revoke_device
from events.models import Booking
from tests.factories import badge_holder
from tests.support import post_json

REDEEM = "/api/v1/checkin/redeem"
UNDO = "/api/v1/checkin/undo"
PAIR = "/api/v1/checkin/pair"
SCANNER = "/api/v1/checkin/scanner"
SEARCH = "/api/v1/checkin/search"
LIST = "/api/v1/checkin/list"


def person(event, municipalities, n, workshops=(), **fields):
    """Jan Jansen n, an alderman of Amersfoort (an address the scanner must never show)."""
    jan = {"first_name": "Jan", "last_name": f"Jansen {n}", "email": f"jan.{n}@amersfoort.example"}
    return badge_holder(
        event, municipalities, n, **{**jan, "role": "wethouder", "workshops": list(workshops), **fields}
    )


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def walk_in_room(programme):
    """`small` (two seats, round 1), now taking walk-ins."""
    workshop = programme["small"]
    workshop.allow_walk_ins = True
    workshop.save()
    return workshop


# Workshop doors and walk-ins


def test_walk_in_gets_a_free_seat_and_is_checked_in(
    api, scanner_headers, event, municipalities, walk_in_room
):
    attendee = person(event, municipalities, 1)

    body = post_json(
        api, REDEEM, {"secret": attendee.badge_secret, "workshop": walk_in_room.pk}, **scanner_headers
    )

    assert body.json()["status"] == "ok"
    booking = Booking.objects.get(registration=attendee)
    assert (booking.workshop_id, booking.status) == (walk_in_room.pk, "booked")
    assert CheckIn.objects.filter(registration=attendee, workshop=walk_in_room).count() == 1


def test_walk_in_replaces_the_booking_elsewhere_in_the_round(
    api, scanner_headers, event, municipalities, programme, walk_in_room
):
    attendee = person(event, municipalities, 1, workshops=[programme["raad"], programme["digital"]])

    body = post_json(
        api, REDEEM, {"secret": attendee.badge_secret, "workshop": walk_in_room.pk}, **scanner_headers
    )

    assert body.json()["status"] == "ok"
    assert sorted(
        Booking.objects.filter(registration=attendee).values_list("workshop_id", "status")
    ) == sorted([(walk_in_room.pk, "booked"), (programme["digital"].pk, "booked")])
    assert not Booking.objects.filter(workshop=programme["raad"]).exists()


def test_walk_in_is_not_booked_when_the_room_is_full(
    api, scanner_headers, event, municipalities, walk_in_room
):
    for n in (1, 2):
        person(event, municipalities, n, workshops=[walk_in_room])
    late = person(event, municipalities, 3)

    body = post_json(
        api, REDEEM, {"secret": late.badge_secret, "workshop": walk_in_room.pk}, **scanner_headers
    )

    assert body.json()["status"] == "not_booked"
    assert not Booking.objects.filter(registration=late).exists()
    assert not CheckIn.objects.filter(registration=late).exists()
    assert Scan.objects.get(registration=late).status == "not_booked"


def test_no_walk_ins_without_the_organisers_consent(api, scanner_headers, event, municipalities, programme):
    attendee = person(event, municipalities, 1)

    body = post_json(
        api, REDEEM, {"secret": attendee.badge_secret, "workshop": programme["small"].pk}, **scanner_headers
    )

    assert body.json()["status"] == "not_booked"
    assert not Booking.objects.filter(registration=attendee).exists()


def test_a_waitlisted_walk_in_takes_a_free_seat(api, scanner_headers, event, municipalities, walk_in_room):
    first = person(event, municipalities, 1, workshops=[walk_in_room])
    person(event, municipalities, 2, workshops=[walk_in_room])
    waiting = person(event, municipalities, 3, workshops=[walk_in_room])
    assert Booking.objects.get(registration=waiting).status == "waitlisted"
    Booking.objects.filter(registration=first).delete()  # someone cancelled; nobody promoted yet

    body = post_json(
        api, REDEEM, {"secret": waiting.badge_secret, "workshop": walk_in_room.pk}, **scanner_headers
    )

    assert body.json()["status"] == "ok"
    assert Booking.objects.get(registration=waiting).status == "booked"


def test_a_cancelled_registration_is_no_walk_in(api, scanner_headers, event, municipalities, walk_in_room):
    attendee = person(event, municipalities, 1)
    attendee.status = "cancelled"
    attendee.save()

    body = post_json(
        api, REDEEM, {"secret": attendee.badge_secret, "workshop": walk_in_room.pk}, **scanner_headers
    )

    assert body.json()["status"] == "cancelled"
    assert not Booking.objects.exists()


# By reference, for someone found by name


def test_check_in_and_undo_by_reference(api, scanner_headers, event, municipalities):
    attendee = person(event, municipalities, 1)

    checked_in = post_json(api, REDEEM, {"reference": attendee.reference.lower()}, **scanner_headers).json()
    undone = post_json(api, UNDO, {"reference": attendee.reference}, **scanner_headers).json()

    assert (checked_in["status"], checked_in["attendee"]["name"]) == ("ok", "Jan Jansen 1")
    assert undone["status"] == "undone"
    assert not CheckIn.objects.exists()


def test_unknown_reference(api, scanner_headers, event, municipalities):
    person(event, municipalities, 1)
    assert post_json(api, REDEEM, {"reference": "DLD-ZZZZ"}, **scanner_headers).json()["status"] == "unknown"


@pytest.mark.parametrize("payload", [{"secret": "ABC", "reference": "DLD-ABCD"}, {"workshop": None}])
def test_secret_or_reference_not_both_nor_none(api, scanner_headers, event, payload):
    response = post_json(api, REDEEM, payload, **scanner_headers)
    assert response.status_code == 422
    assert Scan.objects.count() == 0


# Pairing a phone


def test_pairing_gives_a_working_token(api, event, municipalities):
    device, _unused = create_device(event=event, name="Zaal A")
    _pairing, code = new_pairing_code(device)

    response = post_json(api, PAIR, {"code": code})

    assert response.status_code == 200
    body = response.json()
    assert body["device"] == {"id": device.pk, "name": "Zaal A", "workshop": None}
    attendee = person(event, municipalities, 1)
    scanned = post_json(api, REDEEM, {"secret": attendee.badge_secret}, **bearer(body["token"]))
    assert scanned.json()["status"] == "ok"
    assert Scan.objects.get().device == device
    assert Device.objects.get(pk=device.pk).paired_at is not None


def test_a_pairing_code_works_once(api, event):
    device, _unused = create_device(event=event, name="Zaal A")
    _pairing, code = new_pairing_code(device)
    first = post_json(api, PAIR, {"code": code})

    again = post_json(api, PAIR, {"code": code})

    assert again.status_code == 410
    assert again.json()["code"] == "pairing_code_used"
    # The first phone keeps working.
    assert api.get(SCANNER, **bearer(first.json()["token"])).status_code == 200


def test_an_expired_pairing_code(api, event):
    device, _unused = create_device(event=event, name="Zaal A")
    pairing, code = new_pairing_code(device)
    PairingCode.objects.filter(pk=pairing.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = post_json(api, PAIR, {"code": code})

    assert (response.status_code, response.json()["code"]) == (410, "pairing_code_expired")
    assert Device.objects.get(pk=device.pk).paired_at is None


def test_an_unknown_pairing_code(api, event):
    response = post_json(api, PAIR, {"code": "nooit-uitgegeven-code"})
    assert (response.status_code, response.json()["code"]) == (404, "pairing_code_unknown")


def test_a_new_pairing_code_replaces_the_previous_one(api, event):
    device, _unused = create_device(event=event, name="Zaal A")
    _old, old_code = new_pairing_code(device)
    _new, new_code = new_pairing_code(device)

    assert post_json(api, PAIR, {"code": old_code}).json()["code"] == "pairing_code_expired"
    assert post_json(api, PAIR, {"code": new_code}).status_code == 200


def test_pairing_another_phone_signs_the_previous_one_out(api, event):
    device, _unused = create_device(event=event, name="Zaal A")
    first = pair_device(new_pairing_code(device)[1])[1]
    second = pair_device(new_pairing_code(device)[1])[1]

    assert api.get(SCANNER, **bearer(first)).status_code == 401
    assert api.get(SCANNER, **bearer(second)).status_code == 200


def test_revoked_device_is_401_and_cannot_pair(api, event, municipalities):
    device, _unused = create_device(event=event, name="Zaal A")
    token = pair_device(new_pairing_code(device)[1])[1]
    _pairing, code = new_pairing_code(device)
    attendee = person(event, municipalities, 1)

    revoke_device(device)

    assert post_json(api, REDEEM, {"secret": attendee.badge_secret}, **bearer(token)).status_code == 401
    assert api.get(LIST, **bearer(token)).status_code == 401
    response = post_json(api, PAIR, {"code": code})
    assert (response.status_code, response.json()["code"]) == (410, "pairing_code_expired")
    assert Scan.objects.count() == 0


def test_a_browser_with_a_revoked_token_hears_401_not_a_csrf_failure(event, municipalities):
    # Real browsers get CSRF checks; a phone's POST carries its token and no session.
    phone = Client(enforce_csrf_checks=True)
    device, _unused = create_device(event=event, name="Zaal A")
    token = pair_device(new_pairing_code(device)[1])[1]
    attendee = person(event, municipalities, 1)
    assert (
        post_json(phone, REDEEM, {"secret": attendee.badge_secret}, **bearer(token)).json()["status"] == "ok"
    )

    revoke_device(device)

    response = post_json(phone, REDEEM, {"secret": attendee.badge_secret}, **bearer(token))
    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")
    assert post_json(phone, REDEEM, {"secret": attendee.badge_secret}).status_code == 401


@pytest.mark.parametrize("payload", [{}, {"code": "kort"}, {"code": 12345678}])
def test_bad_pairing_input_is_422(api, event, payload):
    assert post_json(api, PAIR, payload).status_code == 422


# The device and its door


def test_scanner_tells_the_device_and_the_doors(api, scanner, scanner_headers, programme):
    body = api.get(SCANNER, **scanner_headers).json()

    assert body["device"] == {"id": scanner[0].pk, "name": "Ingang noord", "workshop": None}
    assert body["user"] is None
    # Workshops only: plenary sessions have no door check.
    assert [door["id"] for door in body["doors"]] == [
        programme["small"].pk,
        programme["raad"].pk,
        programme["digital"].pk,
    ]
    assert body["doors"][0]["room"] == "Zaal B"


def test_a_device_moves_to_a_workshop_door_and_back(api, scanner, scanner_headers, programme):
    moved = api.patch(
        SCANNER, data={"workshop": programme["raad"].pk}, content_type="application/json", **scanner_headers
    )
    assert moved.json()["device"]["workshop"] == programme["raad"].pk
    assert Device.objects.get(pk=scanner[0].pk).workshop == programme["raad"]

    back = api.patch(SCANNER, data={"workshop": None}, content_type="application/json", **scanner_headers)
    assert back.json()["device"]["workshop"] is None


def test_a_device_cannot_move_to_an_unknown_door(api, scanner_headers, programme):
    response = api.patch(
        SCANNER, data={"workshop": 99999}, content_type="application/json", **scanner_headers
    )
    assert (response.status_code, list(response.json()["errors"])) == (422, ["workshop"])


def test_organisers_keep_their_door_on_their_phone(staff_client, programme):
    staff_client.get("/scan/")
    response = staff_client.patch(
        SCANNER,
        data={"workshop": programme["raad"].pk},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=staff_client.cookies["csrftoken"].value,
    )
    assert response.status_code == 422
    assert staff_client.get(SCANNER).json()["user"] == "organisator"


# Name search


@pytest.fixture
def people(event, municipalities):
    return [
        person(event, municipalities, 1, first_name="Fatima", last_name="El Amrani"),
        person(event, municipalities, 2, first_name="Pieter", last_name="van Amstel"),
        person(event, municipalities, 3, first_name="Joke", last_name="Bakker"),
    ]


def test_search_by_part_of_the_name(api, scanner_headers, people):
    body = api.get(SEARCH, {"q": "ams"}, **scanner_headers).json()

    assert [match["name"] for match in body] == ["Pieter van Amstel"]
    assert body[0] == {
        "name": "Pieter van Amstel",
        "role": "wethouder",
        "role_label": "Wethouder",
        "municipality": "Amersfoort",
        "reference": people[1].reference,
        "status": "confirmed",
        "checked_in": False,
    }


def test_search_by_full_name_and_by_reference(api, scanner_headers, people):
    assert [m["name"] for m in api.get(SEARCH, {"q": "fatima  el"}, **scanner_headers).json()] == [
        "Fatima El Amrani"
    ]
    reference = people[2].reference
    assert [m["name"] for m in api.get(SEARCH, {"q": reference}, **scanner_headers).json()] == ["Joke Bakker"]


def test_search_shows_who_is_in(api, scanner_headers, people):
    post_json(api, REDEEM, {"secret": people[2].badge_secret}, **scanner_headers)
    assert api.get(SEARCH, {"q": "bakker"}, **scanner_headers).json()[0]["checked_in"] is True


def test_search_never_shows_an_e_mail_address(api, scanner_headers, people):
    for query in ("am", "bakker", "amersfoort.example"):
        body = api.get(SEARCH, {"q": query}, **scanner_headers)
        assert "@" not in body.content.decode()
    # Found by name, not by e-mail address.
    assert len(api.get(SEARCH, {"q": "am"}, **scanner_headers).json()) == 2
    assert api.get(SEARCH, {"q": "amersfoort.example"}, **scanner_headers).json() == []


def test_search_also_for_organisers(staff_client, people):
    assert len(staff_client.get(SEARCH, {"q": "bakker"}).json()) == 1


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "a"}, {"q": "   "}, {"q": " a "}, {"q": "x" * 101}])
def test_search_needs_two_characters(api, scanner_headers, people, query):
    response = api.get(SEARCH, query, **scanner_headers)
    assert response.status_code == 422


def test_search_needs_a_scanner(api, people, django_user_model):
    assert api.get(SEARCH, {"q": "bakker"}).status_code == 401
    api.force_login(django_user_model.objects.create_user("bezoeker", password="x"))
    assert api.get(SEARCH, {"q": "bakker"}).status_code == 401
