"""The planning board's API contract: the state, preview, apply (409 with the cards' state on a
stale version), set-up forms; with the organiser's session or an API token of scope programme."""

import pytest

from events.models import Room, Workshop
from events.services import create_api_token
from tests.support import post_json


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def programme_token(staff_user, event) -> str:
    return create_api_token(staff_user, name="Planbord", scopes=["programme"])[1]


@pytest.fixture
def read_token(staff_user, event) -> str:
    return create_api_token(staff_user, name="Lezen", scopes=["read"])[1]


def csrf(client) -> dict:
    client.get("/planning/")
    return {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


def test_the_board_for_the_session_lists_rooms_rounds_and_cards_with_versions(staff_client, programme):
    answer = staff_client.get("/api/v1/board").json()
    assert [room["name"] for room in answer["rooms"]] == ["Grote Zaal", "Zaal A", "Zaal B"]
    assert [(r["label"], r["starts"], r["ends"]) for r in answer["rounds"]] == [
        ("Opening", "10:00", "10:45"),
        ("Ronde 1", "11:00", "12:00"),
        ("Ronde 2", "13:00", "14:00"),
    ]
    raad = next(card for card in answer["workshops"] if card["id"] == programme["raad"].pk)
    assert (raad["version"], raad["room_capacity"], raad["booked"], raad["waitlisted"]) == (0, 40, 0, 0)


def test_preview_then_apply_a_swap_with_a_token(api, programme, programme_token):
    raad, small = programme["raad"], programme["small"]
    change = {"workshop": raad.pk, "version": 0, "swap_with": small.pk, "swap_version": 0}

    preview = post_json(api, "/api/v1/board/preview", change, **bearer(programme_token))
    assert (preview.status_code, preview.json()["can_apply"], preview.json()["conflicts"]) == (200, True, [])

    applied = post_json(api, "/api/v1/board/apply", change, **bearer(programme_token))
    assert applied.status_code == 200
    places = {card["id"]: (card["room"], card["version"]) for card in applied.json()["workshops"]}
    assert (places[raad.pk], places[small.pk]) == ((small.room_id, 1), (raad.room_id, 1))


def test_a_stale_apply_is_409_with_the_cards_current_state(staff_client, programme):
    raad, small = programme["raad"], programme["small"]
    headers = csrf(staff_client)
    first = post_json(
        staff_client, "/api/v1/board/apply", {"workshop": small.pk, "version": 0, "capacity": 5}, **headers
    )
    assert first.status_code == 200

    stale = post_json(
        staff_client,
        "/api/v1/board/apply",
        {"workshop": raad.pk, "version": 0, "swap_with": small.pk, "swap_version": 0},
        **headers,
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert [(card["id"], card["version"], card["capacity"]) for card in stale.json()["workshops"]] == [
        (raad.pk, 0, 40),
        (small.pk, 1, 5),
    ]
    assert Workshop.objects.get(pk=raad.pk).room_id == raad.room_id


def test_a_token_outside_the_programme_scope_is_403_and_changes_nothing(api, programme, read_token):
    change = {"workshop": programme["small"].pk, "version": 0, "capacity": 5}
    assert api.get("/api/v1/board", **bearer(read_token)).status_code == 403
    assert post_json(api, "/api/v1/board/apply", change, **bearer(read_token)).status_code == 403
    assert (
        post_json(api, "/api/v1/board/rooms", {"name": "X", "capacity": 3}, **bearer(read_token)).status_code
        == 403
    )
    assert (
        Workshop.objects.get(pk=programme["small"].pk).capacity,
        Room.objects.filter(name="X").count(),
    ) == (2, 0)


def test_without_session_or_token_it_is_401(api, programme):
    assert api.get("/api/v1/board").status_code == 401


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/board/rooms", {"name": "", "capacity": 10}, "name"),
        ("/api/v1/board/rooms", {"name": "Zaal A", "capacity": 10}, "name"),
        ("/api/v1/board/rooms", {"name": "Zaal Z", "capacity": 0}, "capacity"),
        ("/api/v1/board/rounds", {"label": "R", "starts": "15:00", "ends": "14:00"}, "ends"),
        ("/api/v1/board/rounds", {"label": "R", "starts": "25:00", "ends": "14:00"}, "starts"),
        ("/api/v1/board/workshops", {"title": "T", "room": 999999, "round": 999999, "capacity": 5}, "room"),
    ],
)
def test_bad_set_up_input_is_422_with_the_field_and_nothing_stored(
    api, programme, programme_token, path, body, field
):
    counts = (Room.objects.count(), Workshop.objects.count())
    response = post_json(api, path, body, **bearer(programme_token))
    assert (response.status_code, list(response.json()["errors"])) == (422, [field])
    assert (Room.objects.count(), Workshop.objects.count()) == counts


def test_set_up_a_room_round_and_workshop_from_the_board(api, programme, programme_token):
    room = post_json(
        api, "/api/v1/board/rooms", {"name": "Zaal C", "capacity": 20}, **bearer(programme_token)
    )
    round_ = post_json(
        api,
        "/api/v1/board/rounds",
        {"label": "Ronde 3", "starts": "15:00", "ends": "16:00"},
        **bearer(programme_token),
    )
    workshop = post_json(
        api,
        "/api/v1/board/workshops",
        {
            "title": "Lokaal",
            "room": room.json()["id"],
            "round": round_.json()["id"],
            "capacity": 20,
            "speakers": ["Piet"],
        },
        **bearer(programme_token),
    )
    assert (room.status_code, round_.status_code, workshop.status_code) == (201, 201, 201)
    card = next(
        c
        for c in api.get("/api/v1/board", **bearer(programme_token)).json()["workshops"]
        if c["title"] == "Lokaal"
    )
    assert (card["speakers"], card["capacity"]) == (["Piet"], 20)


def test_the_schema_declares_the_answers_and_scope(api):
    schema = api.get("/api/v1/openapi.json").json()
    apply = schema["paths"]["/api/v1/board/apply"]["post"]
    assert {"200", "401", "403", "409", "422"} <= set(apply["responses"])
    assert {"OrganiserToken": ["programme"]} in apply["security"]


def test_the_page_is_for_organisers_only_and_links_no_other_app(client, staff_client, programme):
    assert client.get("/planning/").status_code == 302
    page = staff_client.get("/planning/")
    assert page.status_code == 200
    assert b"board.js" in page.content


def test_capacity_in_place_and_a_refused_move(api, programme, programme_token):
    small, digital = programme["small"], programme["digital"]
    changed = post_json(
        api,
        "/api/v1/board/apply",
        {"workshop": small.pk, "version": 0, "capacity": 10},
        **bearer(programme_token),
    )
    card = next(c for c in changed.json()["workshops"] if c["id"] == small.pk)
    assert (card["capacity"], card["version"]) == (10, 1)

    taken = post_json(
        api,
        "/api/v1/board/apply",
        {"workshop": small.pk, "version": 1, "room": digital.room_id, "round": digital.round_id},
        **bearer(programme_token),
    )
    assert (taken.status_code, taken.json()["code"]) == (409, "room_taken")
    assert Workshop.objects.get(pk=small.pk).round_id == small.round_id


def test_a_preview_on_a_stale_version_says_so_and_cannot_apply(api, programme, programme_token):
    change = {"workshop": programme["small"].pk, "version": 3, "capacity": 10}
    answer = post_json(api, "/api/v1/board/preview", change, **bearer(programme_token)).json()
    assert (answer["stale"], answer["can_apply"]) == (True, False)
