"""Doors per room: a device stands at a room's door and checks the workshop the clock says (or the
steward's override, until its round ends); "Toch binnenlaten" lets someone without a seat in while
the room has space, `room_full` once it has none."""

from datetime import datetime

import pytest

from checkin.models import CheckIn, Device, Scan
from checkin.services import create_device
from events.models import AuditEntry, Round
from events.services import cancel_registration
from tests.clock import at
from tests.factories import create_workshop
from tests.support import post_json

REDEEM = "/api/v1/checkin/redeem"
SCANNER = "/api/v1/checkin/scanner"
LIST = "/api/v1/checkin/list"


@pytest.fixture
def door_a(event, programme):
    """(device, headers) of a scanner at the door of Zaal A (raad in round 1, digital in round 2)."""
    device, token = create_device(event=event, name="Deur Zaal A", room=programme["rooms"]["a"])
    return device, {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def patch(api, headers, data):
    return api.patch(SCANNER, data=data, content_type="application/json", **headers)


def door_now(api, headers) -> dict:
    return api.get(SCANNER, **headers).json()["door"]


# The clock


@pytest.mark.parametrize(
    ("moment", "checked", "following"),
    [
        (at(10, 30), None, "raad"),  # round 1 starts in 30 minutes: beyond the margin
        (at(10, 45), "raad", "digital"),  # 15 minutes before: the margin (15) reached
        (at(11, 30), "raad", "digital"),  # under way
        (at(12, 30), None, "digital"),  # between the rounds
        (at(12, 46), "digital", None),  # the next session within the margin
        (at(14, 0), None, None),  # the day's last session in this room has ended
    ],
)
def test_a_room_door_follows_the_clock(api, programme, door_a, time_machine, moment, checked, following):
    time_machine.move_to(moment, tick=False)

    door = door_now(api, door_a[1])

    expected = {
        "room": programme["rooms"]["a"].pk,
        "room_name": "Zaal A",
        "workshop": programme[checked].pk if checked else None,
        "override": None,
        "override_until": None,
        "next": programme[following].pk if following else None,
    }
    assert door == expected


def test_the_next_session_takes_over_before_the_one_under_way_ends(
    api, event, programme, door_a, time_machine
):
    """Rounds back to back: people at the door a quarter of an hour before the end are there for the next."""
    third = Round.objects.create(event=event, label="Ronde 3", starts_at=at(14), ends_at=at(15))
    late = create_workshop("na-de-middag", third, programme["rooms"]["a"], 40)

    time_machine.move_to(at(13, 44), tick=False)
    assert door_now(api, door_a[1])["workshop"] == programme["digital"].pk
    time_machine.move_to(at(13, 45), tick=False)
    assert door_now(api, door_a[1])["workshop"] == late.pk


def test_the_margin_comes_from_the_settings(api, programme, door_a, time_machine, settings):
    settings.DOOR_MARGIN_MINUTES = 40
    time_machine.move_to(at(10, 30), tick=False)

    assert door_now(api, door_a[1])["workshop"] == programme["raad"].pk
    assert api.get(SCANNER, **door_a[1]).json()["door_margin_minutes"] == 40


def test_the_entrance_checks_no_workshop(api, scanner_headers, programme, time_machine):
    time_machine.move_to(at(11, 30), tick=False)

    body = api.get(SCANNER, **scanner_headers).json()

    assert body["door"] == {
        "room": None,
        "room_name": None,
        "workshop": None,
        "override": None,
        "override_until": None,
        "next": None,
    }
    assert [room["name"] for room in body["rooms"]] == ["Grote Zaal", "Zaal A", "Zaal B"]
    assert {door["id"]: door["room_id"] for door in body["doors"]} == {
        programme["raad"].pk: programme["rooms"]["a"].pk,
        programme["small"].pk: programme["rooms"]["b"].pk,
        programme["digital"].pk: programme["rooms"]["a"].pk,
    }


# The steward's override


def test_the_override_holds_until_its_round_ends(api, programme, door_a, time_machine):
    device, headers = door_a
    time_machine.move_to(at(10, 50), tick=False)

    response = patch(api, headers, {"workshop": programme["small"].pk})

    assert response.status_code == 200
    door = response.json()["door"]
    assert (door["workshop"], door["override"]) == (programme["small"].pk, programme["small"].pk)
    assert Device.objects.get(pk=device.pk).workshop == programme["small"]
    time_machine.move_to(at(11, 59), tick=False)
    assert door_now(api, headers)["workshop"] == programme["small"].pk
    # Its round is over: the door follows the clock again (round 2 is within the margin at 12:50).
    time_machine.move_to(at(12, 50), tick=False)
    assert door_now(api, headers)["workshop"] == programme["digital"].pk
    assert door_now(api, headers)["override"] is None


def test_the_override_says_until_when(api, programme, door_a, time_machine):
    time_machine.move_to(at(10, 50), tick=False)

    door = patch(api, door_a[1], {"workshop": programme["small"].pk}).json()["door"]

    assert datetime.fromisoformat(door["override_until"]) == at(12)


def test_back_to_the_clock_and_to_another_room(api, programme, door_a, time_machine):
    device, headers = door_a
    time_machine.move_to(at(11, 10), tick=False)
    patch(api, headers, {"workshop": programme["small"].pk})

    followed = patch(api, headers, {"workshop": None}).json()["door"]
    assert (followed["workshop"], followed["override"]) == (programme["raad"].pk, None)

    patch(api, headers, {"workshop": programme["raad"].pk})
    moved = patch(api, headers, {"room": programme["rooms"]["b"].pk}).json()["door"]
    # Another room drops the override: it was for the old door.
    assert (moved["room_name"], moved["workshop"], moved["override"]) == (
        "Zaal B",
        programme["small"].pk,
        None,
    )
    stored = Device.objects.get(pk=device.pk)
    assert (stored.room, stored.workshop) == (programme["rooms"]["b"], None)
    entrance = patch(api, headers, {"room": None}).json()["door"]
    assert (entrance["room"], entrance["workshop"]) == (None, None)


def test_a_door_change_is_in_the_trail(api, programme, door_a, time_machine):
    time_machine.move_to(at(10, 50), tick=False)
    AuditEntry.objects.all().delete()

    patch(api, door_a[1], {"room": programme["rooms"]["b"].pk, "workshop": programme["small"].pk})

    entry = AuditEntry.objects.get(action="device.door_changed")
    assert entry.changes == {"room": ["Zaal A", "Zaal B"], "workshop": [None, "Klein Gezelschap"]}


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, None), ({"room": 99999}, "room"), ({"room": "zaal"}, None), ({"workshop": 99999}, "workshop")],
)
def test_bad_door_changes_are_refused(api, door_a, programme, data, field):
    device, headers = door_a

    response = patch(api, headers, data)

    assert response.status_code == 422
    if field:
        assert list(response.json()["errors"]) == [field]
    stored = Device.objects.get(pk=device.pk)
    assert (stored.room, stored.workshop) == (programme["rooms"]["a"], None)


def test_an_override_for_a_session_that_has_ended_is_refused(api, door_a, programme, time_machine):
    device, headers = door_a
    time_machine.move_to(at(12, 30), tick=False)

    response = patch(api, headers, {"workshop": programme["raad"].pk})

    assert (response.status_code, response.json()["code"]) == (422, "session_over")
    assert Device.objects.get(pk=device.pk).workshop is None


# "Niet aangemeld": where they are booked, and "Toch binnenlaten"


def test_not_booked_says_where_they_are_booked_this_round(api, make_attendee, programme, door_a):
    attendee = make_attendee(1, programme["small"])

    body = post_json(
        api, REDEEM, {"secret": attendee.badge_secret, "workshop": programme["raad"].pk}, **door_a[1]
    ).json()

    first = programme["rounds"]["first"]
    assert body["status"] == "not_booked"
    assert body["booked_elsewhere"] == {
        "workshop": programme["small"].pk,
        "title": "Klein Gezelschap",
        "room": "Zaal B",
        "starts_at": body["booked_elsewhere"]["starts_at"],
        "ends_at": body["booked_elsewhere"]["ends_at"],
    }
    times = body["booked_elsewhere"]
    assert (datetime.fromisoformat(times["starts_at"]), datetime.fromisoformat(times["ends_at"])) == (
        first.starts_at,
        first.ends_at,
    )
    assert body["room_places_left"] == 40
    assert "walk_in" not in body
    assert not CheckIn.objects.exists()


def test_not_booked_anywhere_this_round(api, make_attendee, programme, door_a):
    attendee = make_attendee(1, programme["digital"])

    body = post_json(
        api, REDEEM, {"secret": attendee.badge_secret, "workshop": programme["raad"].pk}, **door_a[1]
    ).json()

    assert (body["status"], body["booked_elsewhere"], body["room_places_left"]) == ("not_booked", None, 40)


def test_let_in_anyway_is_a_walk_in_check_in(api, make_attendee, programme, door_a):
    device, headers = door_a
    attendee = make_attendee(1, programme["small"])
    raad = programme["raad"]

    body = post_json(
        api, REDEEM, {"secret": attendee.badge_secret, "workshop": raad.pk, "admit": True}, **headers
    ).json()

    assert (body["status"], body["walk_in"], body["workshop"]) == ("ok", True, raad.pk)
    checkin = CheckIn.objects.get(registration=attendee, workshop=raad)
    assert (checkin.walk_in, checkin.device) == (True, device)
    assert Scan.objects.get(status="ok").walk_in is True
    # Their seat in the other workshop stays theirs: the steward let them in, nobody moved them.
    assert list(attendee.bookings.values_list("workshop_id", "status")) == [(programme["small"].pk, "booked")]
    # Scanned again here: they are in.
    again = post_json(api, REDEEM, {"secret": attendee.badge_secret, "workshop": raad.pk}, **headers).json()
    assert (again["status"], again["checked_in_at"]) == ("already_checked_in", body["checked_in_at"])


def test_let_in_anyway_changes_nothing_for_who_has_a_seat_or_at_the_entrance(
    api, make_attendee, programme, door_a
):
    booked = make_attendee(1, programme["raad"])
    walker = make_attendee(2)

    seated = post_json(
        api,
        REDEEM,
        {"secret": booked.badge_secret, "workshop": programme["raad"].pk, "admit": True},
        **door_a[1],
    ).json()
    entrance = post_json(api, REDEEM, {"secret": walker.badge_secret, "admit": True}, **door_a[1]).json()

    assert (seated["status"], "walk_in" in seated) == ("ok", False)
    assert (entrance["status"], "walk_in" in entrance) == ("ok", False)
    assert list(CheckIn.objects.values_list("walk_in", flat=True)) == [False, False]


def test_a_full_room_answers_room_full(api, make_attendee, programme, door_a):
    room = programme["rooms"]["a"]
    room.capacity = 1
    room.save()
    raad = programme["raad"]
    seated = make_attendee(1, raad)
    walker = make_attendee(2, programme["small"])
    post_json(api, REDEEM, {"secret": seated.badge_secret, "workshop": raad.pk}, **door_a[1])

    body = post_json(
        api, REDEEM, {"secret": walker.badge_secret, "workshop": raad.pk, "admit": True}, **door_a[1]
    ).json()

    assert (body["status"], body["walk_in"], body["room_places_left"]) == ("room_full", True, 0)
    assert body["booked_elsewhere"]["title"] == "Klein Gezelschap"
    assert not CheckIn.objects.filter(registration=walker).exists()
    assert Scan.objects.filter(status="room_full", registration=walker).count() == 1


def test_a_cancelled_registration_is_not_let_in(api, make_attendee, programme, door_a):
    attendee = make_attendee(1)
    cancel_registration(attendee)

    body = post_json(
        api,
        REDEEM,
        {"secret": attendee.badge_secret, "workshop": programme["raad"].pk, "admit": True},
        **door_a[1],
    ).json()

    assert body["status"] == "cancelled"
    assert not CheckIn.objects.exists()


def test_admit_must_be_a_boolean(api, make_attendee, programme, door_a):
    attendee = make_attendee(1)

    response = post_json(
        api,
        REDEEM,
        {"secret": attendee.badge_secret, "workshop": programme["raad"].pk, "admit": [1]},
        **door_a[1],
    )

    assert response.status_code == 422
    assert not Scan.objects.exists()


# Offline


def test_the_offline_list_carries_rooms_and_rounds(api, programme, door_a):
    body = api.get(LIST, **door_a[1]).json()

    first, second = programme["rounds"]["first"], programme["rounds"]["second"]
    assert [room["name"] for room in body["rooms"]] == ["Grote Zaal", "Zaal A", "Zaal B"]
    assert [(r["id"], r["label"]) for r in body["rounds"]] == [(first.pk, "Ronde 1"), (second.pk, "Ronde 2")]
    assert sorted((w["id"], w["room"], w["round"]) for w in body["workshops"]) == sorted(
        [
            (programme["raad"].pk, programme["rooms"]["a"].pk, first.pk),
            (programme["small"].pk, programme["rooms"]["b"].pk, first.pk),
            (programme["digital"].pk, programme["rooms"]["a"].pk, second.pk),
        ]
    )
    assert body["door_margin_minutes"] == 15
