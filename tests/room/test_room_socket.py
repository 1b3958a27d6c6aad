"""/ws/room/<code>/: public; a snapshot, then poll results and the questions the room sees."""

import time

import pytest
from channels.testing import WebsocketCommunicator

from config.asgi import application
from events.room import live, services
from tests.sockets import in_thread

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _connect(code: str, query: str = "") -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application, f"/ws/room/{code}/{query}", headers=[(b"host", b"localhost"), (b"origin", b"http://localhost")]
    )
    connected, _code = await communicator.connect()
    assert connected is True
    return communicator


async def test_snapshot_then_poll_results_and_approved_questions_without_personal_data(
    programme, make_attendee
):
    raad = programme["raad"]
    anna = await in_thread(make_attendee)(1)
    bert = await in_thread(make_attendee)(2)
    poll = await in_thread(services.create_poll)(
        raad, question="Welke eerst?", kind="single", options=["A", "B"]
    )
    room = await in_thread(services.room_for)(raad)
    communicator = await _connect(room.code.lower())

    snapshot = await communicator.receive_json_from(timeout=5)
    assert (snapshot["type"], snapshot["polls"], snapshot["questions"], snapshot["pending"]) == (
        "snapshot",
        [],
        [],
        0,
    )
    assert snapshot["room"] == {"code": room.code, "title": raad.title, "place": "Zaal A"}

    await in_thread(services.open_poll)(poll)
    opened = await communicator.receive_json_from(timeout=5)
    await in_thread(services.vote)(anna, poll, [1])
    voted = await communicator.receive_json_from(timeout=5)
    assert (opened["type"], opened["poll"]["status"], opened["poll"]["results"]["votes"]) == (
        "poll",
        "open",
        0,
    )
    assert voted["poll"]["results"]["counts"] == [{"label": "A", "count": 0}, {"label": "B", "count": 1}]

    anonymous = await in_thread(services.ask)(anna, raad, text="Anoniem?", show_name=False)
    assert await communicator.receive_json_from(timeout=5) == {"type": "pending", "pending": 1}
    named = await in_thread(services.ask)(bert, raad, text="Met naam", show_name=True)
    assert await communicator.receive_json_from(timeout=5) == {"type": "pending", "pending": 2}

    await in_thread(services.moderate)(anonymous, "approve")
    shown = await communicator.receive_json_from(timeout=5)
    assert shown == {
        "type": "question",
        "question": {"id": anonymous.pk, "text": "Anoniem?", "name": "", "status": "approved", "votes": 0},
    }
    assert await communicator.receive_json_from(timeout=5) == {"type": "pending", "pending": 1}
    await in_thread(services.moderate)(named, "approve")
    assert (await communicator.receive_json_from(timeout=5))["question"]["name"] == "Deelnemer 2"
    await communicator.receive_json_from(timeout=5)
    await in_thread(services.moderate)(anonymous, "hide")
    assert await communicator.receive_json_from(timeout=5) == {"type": "question_removed", "id": anonymous.pk}
    await communicator.disconnect()


async def test_another_rooms_events_do_not_arrive_and_a_draft_is_not_announced(programme, make_attendee):
    room = await in_thread(services.room_for)(programme["raad"])
    communicator = await _connect(room.code)
    await communicator.receive_json_from(timeout=5)

    await in_thread(services.create_poll)(programme["raad"], question="Nog niet", kind="scale")
    elsewhere = await in_thread(services.create_poll)(programme["digital"], question="Elders", kind="scale")
    await in_thread(services.open_poll)(elsewhere)

    assert await communicator.receive_nothing(timeout=0.3) is True
    await communicator.disconnect()


async def test_an_unknown_room_code_is_refused(programme):
    communicator = WebsocketCommunicator(application, "/ws/room/ZZZZZ/")
    connected, _code = await communicator.connect()

    assert connected is False


async def test_a_room_voting_at_once_hears_fewer_messages_and_the_last_has_every_vote(
    programme, make_attendee
):
    raad = programme["raad"]
    people = [await in_thread(make_attendee)(n) for n in range(30)]
    poll = await in_thread(services.create_poll)(raad, question="Hoe?", kind="scale")
    communicator = await _connect((await in_thread(services.room_for)(raad)).code)
    await communicator.receive_json_from(timeout=5)
    await in_thread(services.open_poll)(poll)
    await communicator.receive_json_from(timeout=5)

    def everyone_votes():
        for index, person in enumerate(people):
            services.vote(person, poll, [index % 5 + 1])

    await in_thread(everyone_votes)()
    heard = await _everything(communicator)

    assert 1 <= len(heard) < 30
    assert heard[-1]["poll"]["results"]["votes"] == 30
    assert [count["count"] for count in heard[-1]["poll"]["results"]["counts"]] == [6, 6, 6, 6, 6]
    await communicator.disconnect()


async def _everything(communicator: WebsocketCommunicator) -> list[dict]:
    """What the socket hears until nothing came for longer than the phones' interval."""
    heard = []
    while not await communicator.receive_nothing(timeout=live.PHONE_RESULTS_INTERVAL + 0.5):
        heard.append(await communicator.receive_json_from(timeout=5))
    return heard


async def test_the_screen_follows_the_votes_closer_than_the_phones_and_both_end_with_every_vote(
    programme, make_attendee
):
    raad = programme["raad"]
    people = [await in_thread(make_attendee)(n) for n in range(20)]
    poll = await in_thread(services.create_poll)(raad, question="Hoe?", kind="scale")
    code = (await in_thread(services.room_for)(raad)).code
    phone = await _connect(code)
    screen = await _connect(code, "?screen=1")
    await in_thread(services.open_poll)(poll)
    for communicator in (phone, screen):
        assert (await communicator.receive_json_from(timeout=5))["type"] == "snapshot"
        assert (await communicator.receive_json_from(timeout=5))["poll"]["status"] == "open"

    def votes_over_two_seconds():
        for index, person in enumerate(people):
            services.vote(person, poll, [index % 5 + 1])
            time.sleep(0.1)

    await in_thread(votes_over_two_seconds)()
    on_the_phone, on_the_screen = await _everything(phone), await _everything(screen)

    # Two seconds of votes: the screen every quarter second, a phone at most every two seconds.
    assert len(on_the_screen) >= 5
    assert len(on_the_phone) <= 3
    assert [heard[-1]["poll"]["results"]["votes"] for heard in (on_the_phone, on_the_screen)] == [20, 20]
    await phone.disconnect()
    await screen.disconnect()
