"""The API contracts of polls and questions: status codes, shapes, credentials, bad input."""

import json

import pytest

from events.room import services
from events.room.models import Poll, Question, QuestionVote, Vote
from tests.support import post_json


@pytest.fixture
def raad(programme):
    return programme["raad"]


@pytest.fixture
def moderator(raad):
    """(headers, room) of the session's moderator link."""
    room, token = services.new_moderator_token(raad)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}, room


def _poll(client, workshop, body, **headers):
    return post_json(client, f"/api/v1/workshops/{workshop.pk}/polls", body, **headers)


def test_an_organiser_prepares_opens_and_closes_a_poll(raad, staff_client, make_attendee, api):
    csrf = {"HTTP_X_CSRFTOKEN": _csrf(staff_client)}
    created = _poll(
        staff_client, raad, {"question": "Welke eerst?", "kind": "single", "options": ["A", "B"]}, **csrf
    )

    body = created.json()
    assert created.status_code == 201
    assert body == {"id": body["id"], "status": "draft", "room_code": services.room_for(raad).code}
    opened = staff_client.post(f"/api/v1/polls/{body['id']}/open", **csrf)
    assert (opened.status_code, opened.json()["status"]) == (200, "open")

    anna = make_attendee(1)
    voted = post_json(
        api, f"/api/v1/registrations/{anna.manage_token}/votes", {"poll": body["id"], "choices": [1]}
    )
    assert (voted.status_code, voted.json()) == (200, {"poll": body["id"], "choices": [1]})

    closed = staff_client.post(f"/api/v1/polls/{body['id']}/close", **csrf)
    results = staff_client.get(f"/api/v1/polls/{body['id']}/results")
    assert closed.json()["status"] == "closed"
    assert results.json() == {
        "votes": 1,
        "counts": [{"label": "A", "count": 0}, {"label": "B", "count": 1}],
        "average": None,
    }


def _csrf(client) -> str:
    client.get("/admin/")
    return client.cookies["csrftoken"].value


def test_a_moderator_link_works_for_its_own_session_only(raad, programme, moderator, api):
    headers, room = moderator
    own = _poll(api, raad, {"question": "Hoe tevreden?", "kind": "scale"}, **headers)
    other = _poll(api, programme["digital"], {"question": "Hoe tevreden?", "kind": "scale"}, **headers)
    poll_elsewhere = services.create_poll(programme["digital"], question="Elders", kind="scale")

    assert (own.status_code, own.json()["room_code"]) == (201, room.code)
    assert (other.status_code, other.json()["code"]) == (403, "forbidden")
    assert api.post(f"/api/v1/polls/{poll_elsewhere.pk}/open", **headers).status_code == 403
    assert api.get(f"/api/v1/polls/{own.json()['id']}/results", **headers).status_code == 200
    assert Poll.objects.filter(room__workshop=programme["digital"], question="Hoe tevreden?").count() == 0


def test_without_a_credential_moderator_operations_are_401(raad, api):
    poll = services.create_poll(raad, question="Vraag", kind="scale")
    wrong = {"HTTP_AUTHORIZATION": "Bearer nietgeldig"}

    answers = [
        _poll(api, raad, {"question": "Vraag", "kind": "scale"}).status_code,
        api.post(f"/api/v1/polls/{poll.pk}/open", **wrong).status_code,
        api.post(f"/api/v1/polls/{poll.pk}/close").status_code,
        api.get(f"/api/v1/polls/{poll.pk}/results").status_code,
        api.get(f"/api/v1/workshops/{raad.pk}/questions", **wrong).status_code,
    ]

    assert answers == [401] * 5
    assert Poll.objects.get().status == "draft"


@pytest.mark.parametrize(
    "body",
    [
        {"question": "", "kind": "single", "options": ["A", "B"]},
        {"question": "Vraag", "kind": "quiz"},
        {"question": "Vraag", "kind": "single", "options": ["A"]},
        {"question": "Vraag", "kind": "words", "options": ["A", "B"]},
        {"question": "x" * 201, "kind": "scale"},
        {"question": "Vraag", "kind": "multiple", "options": ["A"] * 11},
        {"kind": "scale"},
    ],
)
def test_a_bad_poll_is_422_and_nothing_is_stored(raad, moderator, api, body):
    response = _poll(api, raad, body, **moderator[0])

    assert response.status_code == 422
    assert response.json()["code"] in {"invalid", "empty", "options_needed", "options_not_used"}
    assert Poll.objects.count() == 0


def test_voting_twice_changes_the_vote_and_a_closed_poll_is_409(raad, make_attendee, api):
    anna = make_attendee(1)
    poll = services.open_poll(
        services.create_poll(raad, question="Welke?", kind="multiple", options=["A", "B", "C"])
    )
    url = f"/api/v1/registrations/{anna.manage_token}/votes"

    post_json(api, url, {"poll": poll.pk, "choices": [0, 2]})
    post_json(api, url, {"poll": poll.pk, "choices": [1]})
    services.close_poll(poll)
    late = post_json(api, url, {"poll": poll.pk, "choices": [0]})

    assert list(Vote.objects.values_list("choices", flat=True)) == [[1]]
    assert (late.status_code, late.json()["code"]) == (409, "poll_not_open")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"poll": 999999, "choices": [0]}, "invalid"),
        ({"poll": "POLL", "choices": [5]}, "invalid_choice"),
        ({"poll": "POLL", "choices": []}, "no_choice"),
        ({"poll": "POLL", "choices": ["ja"]}, "invalid_choice"),
        ({"poll": "POLL", "choices": [{"x": 1}]}, "invalid"),
    ],
)
def test_a_bad_vote_is_422_and_nothing_is_stored(raad, make_attendee, api, body, code):
    poll = services.open_poll(
        services.create_poll(raad, question="Welke?", kind="single", options=["A", "B"])
    )
    anna = make_attendee(1)
    if body["poll"] == "POLL":
        body = {**body, "poll": poll.pk}

    response = post_json(api, f"/api/v1/registrations/{anna.manage_token}/votes", body)

    assert (response.status_code, response.json()["code"]) == (422, code)
    assert Vote.objects.count() == 0


def test_an_unknown_private_link_cannot_vote_or_ask(raad, api):
    poll = services.open_poll(services.create_poll(raad, question="Welke?", kind="scale"))

    vote = post_json(api, "/api/v1/registrations/onbekend/votes", {"poll": poll.pk, "choices": [3]})
    ask = post_json(api, "/api/v1/registrations/onbekend/questions", {"session": raad.pk, "text": "Hoi"})

    assert (vote.status_code, ask.status_code) == (404, 404)
    assert (Vote.objects.count(), Question.objects.count()) == (0, 0)


def test_asking_moderating_and_upvoting(raad, make_attendee, moderator, api):
    anna, bert = make_attendee(1), make_attendee(2)
    headers, _room = moderator

    asked = post_json(
        api,
        f"/api/v1/registrations/{anna.manage_token}/questions",
        {"session": raad.pk, "text": "Hoe bereiken we jongeren?", "show_name": True},
    )
    question_id = asked.json()["id"]
    pending_upvote = api.post(f"/api/v1/registrations/{bert.manage_token}/questions/{question_id}/upvote")
    listed = api.get(f"/api/v1/workshops/{raad.pk}/questions", **headers).json()
    approved = api.post(f"/api/v1/questions/{question_id}/approve", **headers)
    upvotes = [
        api.post(f"/api/v1/registrations/{bert.manage_token}/questions/{question_id}/upvote").json()
        for _twice in range(2)
    ]
    answered = api.post(f"/api/v1/questions/{question_id}/answered", **headers)
    hidden = api.post(f"/api/v1/questions/{question_id}/hide", **headers)

    assert (asked.status_code, asked.json()) == (201, {"id": question_id, "status": "pending"})
    assert pending_upvote.status_code == 404
    assert [(q["text"], q["asked_by"]["name"], q["status"]) for q in listed] == [
        ("Hoe bereiken we jongeren?", "Deelnemer 1", "pending")
    ]
    assert approved.json()["status"] == "approved"
    assert upvotes == [{"id": question_id, "votes": 1}] * 2
    assert (answered.json()["status"], hidden.json()["status"]) == ("answered", "hidden")
    assert QuestionVote.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"session": "RAAD", "text": ""},
        {"session": "RAAD", "text": "   "},
        {"session": "RAAD", "text": "x" * 281},
        {"session": 999999, "text": "Vraag"},
        {"text": "Vraag"},
        {"session": "RAAD", "text": "Vraag\x00"},
    ],
)
def test_a_bad_question_is_422_and_nothing_is_stored(raad, make_attendee, api, body):
    if body.get("session") == "RAAD":
        body = {**body, "session": raad.pk}

    response = api.post(
        f"/api/v1/registrations/{make_attendee(1).manage_token}/questions",
        data=json.dumps(body),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert Question.objects.count() == 0


def test_an_organiser_makes_a_moderator_link(raad, staff_client, api):
    response = staff_client.post(
        f"/api/v1/workshops/{raad.pk}/moderator-link", HTTP_X_CSRFTOKEN=_csrf(staff_client)
    )
    body = response.json()

    assert response.status_code == 201
    assert body["url"] == f"http://testserver/zaal/moderator/{body['token']}/"
    assert (
        api.get(f"/api/v1/workshops/{raad.pk}/polls", HTTP_AUTHORIZATION=f"Bearer {body['token']}").json()
        == []
    )
    assert api.post(f"/api/v1/workshops/{raad.pk}/moderator-link").status_code == 401


def test_the_schema_declares_the_room_operations(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]

    assert {
        "/api/v1/workshops/{workshop_id}/polls": {"get", "post"},
        "/api/v1/polls/{poll_id}/open": {"post"},
        "/api/v1/polls/{poll_id}/close": {"post"},
        "/api/v1/polls/{poll_id}/results": {"get"},
        "/api/v1/registrations/{manage_token}/votes": {"post"},
        "/api/v1/registrations/{manage_token}/questions": {"post"},
        "/api/v1/registrations/{manage_token}/questions/{question_id}/upvote": {"post"},
        "/api/v1/workshops/{workshop_id}/questions": {"get"},
        "/api/v1/questions/{question_id}/approve": {"post"},
        "/api/v1/questions/{question_id}/hide": {"post"},
        "/api/v1/questions/{question_id}/answered": {"post"},
        "/api/v1/workshops/{workshop_id}/moderator-link": {"post"},
    }.items() <= {path: set(operations) for path, operations in paths.items()}.items()
    assert paths["/api/v1/workshops/{workshop_id}/polls"]["post"]["security"] == [
        {"ModeratorToken": []},
        {"StaffSession": []},
    ]
