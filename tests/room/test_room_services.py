"""Polls and questions: the services' rules, results and erasure."""

import pytest

from events import services as core
from events.models import Registration
from events.room import services
from events.room.errors import RoomError
from events.room.models import LiveRoom, Poll, Question, QuestionVote, Vote
from events.room.selectors import poll_results, public_question, questions


@pytest.fixture
def raad(programme):
    return programme["raad"]


def test_a_session_gets_one_room_with_a_short_code(raad):
    room = services.room_for(raad)

    assert services.room_for(raad) == room
    assert len(room.code) == 5
    assert set(room.code) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")


def test_a_moderator_token_is_stored_as_its_hash_and_replaced_by_a_new_one(raad):
    room, token = services.new_moderator_token(raad)
    _room, newer = services.new_moderator_token(raad)

    assert token not in LiveRoom.objects.values_list("moderator_token_hash", flat=True)
    assert services.room_for_moderator_token(token) is None
    assert services.room_for_moderator_token(newer) == room
    assert services.room_for_moderator_token("") is None


def test_a_single_choice_poll_counts_votes_and_a_vote_can_change_until_it_closes(raad, make_attendee):
    anna, bert = make_attendee(1), make_attendee(2)
    poll = services.create_poll(raad, question="Welk onderwerp eerst?", kind="single", options=["A", "B"])
    services.open_poll(poll)

    services.vote(anna, poll, [0])
    services.vote(bert, poll, [0])
    services.vote(bert, poll, [1])
    closed = services.close_poll(poll)

    expected = {
        "votes": 2,
        "counts": [{"label": "A", "count": 1}, {"label": "B", "count": 1}],
        "average": None,
    }
    assert closed.result == expected
    with pytest.raises(RoomError) as refused:
        services.vote(anna, poll, [1])
    assert refused.value.code == "poll_not_open"
    assert poll_results(Poll.objects.get(pk=poll.pk)) == expected
    assert Vote.objects.count() == 2


def test_scale_and_word_polls(raad, make_attendee):
    people = [make_attendee(n) for n in range(1, 4)]
    scale = services.open_poll(services.create_poll(raad, question="Hoe tevreden?", kind="scale"))
    words = services.open_poll(services.create_poll(raad, question="Eén woord", kind="words"))
    for person, value, word in zip(people, [5, 4, 4], ["Inwoners ", "inwoners", "<b>raad</b>"], strict=True):
        services.vote(person, scale, [value])
        services.vote(person, words, [word])

    assert poll_results(scale)["average"] == 4.33
    assert [c["count"] for c in poll_results(scale)["counts"]] == [0, 0, 0, 2, 1]
    assert poll_results(words)["counts"] == [
        {"label": "inwoners", "count": 2},
        {"label": "<b>raad</b>", "count": 1},
    ]


@pytest.mark.parametrize(
    ("kind", "options", "code"),
    [
        ("single", ["één"], "options_needed"),
        ("multiple", ["ja", "Ja"], "options_repeated"),
        ("scale", ["1", "2"], "options_not_used"),
        ("quiz", [], "invalid_kind"),
        ("single", ["ja", " "], "empty"),
    ],
)
def test_a_poll_that_cannot_work_is_refused(raad, kind, options, code):
    with pytest.raises(RoomError) as refused:
        services.create_poll(raad, question="Vraag", kind=kind, options=options)

    assert (refused.value.code, refused.value.status) == (code, 422)
    assert Poll.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "choices", "code"),
    [
        ("single", [0, 1], "one_choice"),
        ("single", [2], "invalid_choice"),
        ("multiple", [0, 0], "invalid_choice"),
        ("multiple", [True], "invalid_choice"),
        ("scale", [6], "invalid_choice"),
        ("words", ["a", "b"], "one_word"),
        ("words", ["x" * 41], "too_long"),
        ("single", [], "no_choice"),
    ],
)
def test_a_vote_that_does_not_fit_the_poll_is_refused(raad, make_attendee, kind, choices, code):
    options = ["ja", "nee"] if kind in ("single", "multiple") else []
    poll = services.open_poll(services.create_poll(raad, question="Vraag", kind=kind, options=options))

    with pytest.raises(RoomError) as refused:
        services.vote(make_attendee(1), poll, choices)

    assert refused.value.code == code
    assert Vote.objects.count() == 0


def test_a_draft_poll_takes_no_votes_and_a_closed_one_does_not_open_again(raad, make_attendee):
    poll = services.create_poll(raad, question="Vraag", kind="scale")

    with pytest.raises(RoomError) as draft:
        services.vote(make_attendee(1), poll, [3])
    services.close_poll(poll)
    with pytest.raises(RoomError) as closed:
        services.open_poll(poll)

    assert (draft.value.code, closed.value.code) == ("poll_not_open", "poll_closed")


def test_a_cancelled_registration_does_not_vote(raad, make_attendee):
    anna = core.cancel_registration(make_attendee(1))
    poll = services.open_poll(services.create_poll(raad, question="Vraag", kind="scale"))

    with pytest.raises(RoomError) as refused:
        services.vote(anna, poll, [3])

    assert (refused.value.code, refused.value.status) == ("not_attending", 403)


def test_questions_are_moderated_upvoted_once_and_named_only_by_choice(raad, make_attendee):
    anna, bert = make_attendee(1), make_attendee(2)
    named = services.ask(anna, raad, text="  Hoe  betrekt u jongeren? ", show_name=True)
    anonymous = services.ask(bert, raad, text="Wat kost het?", show_name=False)
    room = named.room

    assert questions(room) == []
    services.moderate(named, "approve")
    services.moderate(anonymous, "approve")
    services.upvote(bert, anonymous)
    services.upvote(bert, anonymous)
    services.upvote(anna, anonymous)

    shown = [public_question(question) for question in questions(room)]
    assert shown == [
        {"id": anonymous.pk, "text": "Wat kost het?", "name": "", "status": "approved", "votes": 2},
        {
            "id": named.pk,
            "text": "Hoe betrekt u jongeren?",
            "name": "Deelnemer 1",
            "status": "approved",
            "votes": 0,
        },
    ]
    services.moderate(anonymous, "hide")
    assert [q.pk for q in questions(room)] == [named.pk]


def test_a_pending_question_cannot_be_upvoted(raad, make_attendee):
    question = services.ask(make_attendee(1), raad, text="Vraag?", show_name=False)

    with pytest.raises(RoomError) as refused:
        services.upvote(make_attendee(2), question)

    assert refused.value.code == "not_public"
    assert QuestionVote.objects.count() == 0


def test_questions_are_rate_limited_per_person(raad, make_attendee, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "room_questions": "2/300"}
    anna = make_attendee(1)
    services.ask(anna, raad, text="Een", show_name=False)
    services.ask(anna, raad, text="Twee", show_name=False)

    with pytest.raises(RoomError) as refused:
        services.ask(anna, raad, text="Drie", show_name=False)
    services.ask(make_attendee(2), raad, text="Van een ander", show_name=False)

    assert (refused.value.code, refused.value.status) == ("rate_limited", 429)
    assert list(Question.objects.values_list("text", flat=True)) == ["Een", "Twee", "Van een ander"]


def test_a_question_too_long_is_refused_and_nothing_stored(raad, make_attendee):
    with pytest.raises(RoomError) as refused:
        services.ask(make_attendee(1), raad, text="x" * 281, show_name=False)

    assert (refused.value.code, refused.value.field) == ("too_long", "text")
    assert Question.objects.count() == 0


def test_erasure_removes_questions_and_votes_and_the_export_has_them(raad, make_attendee, api):
    anna = make_attendee(1)
    poll = services.open_poll(services.create_poll(raad, question="Vraag", kind="scale"))
    services.vote(anna, poll, [4])
    services.ask(anna, raad, text="Mijn vraag", show_name=True)

    export = api.get(f"/api/v1/registrations/{anna.manage_token}/export").json()
    core.erase_registration(Registration.objects.get(pk=anna.pk))

    assert [q["text"] for q in export["questions"]] == ["Mijn vraag"]
    assert [v["choices"] for v in export["poll_votes"]] == [[4]]
    assert (Question.objects.count(), Vote.objects.count()) == (0, 0)


def test_rooms_for_keeps_the_rooms_there_are_and_makes_the_missing_ones(programme):
    sessions = [programme["raad"], programme["small"]]
    kept = services.room_for(programme["raad"])

    rooms = services.rooms_for(sessions)

    assert (rooms[programme["raad"].pk], sorted(rooms)) == (kept, sorted(s.pk for s in sessions))
    assert rooms == services.rooms_for(sessions)
