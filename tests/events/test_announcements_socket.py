"""Announcements on the live sockets: every live page hears `announcement` and
`announcement_withdrawn`, and finds the active ones in its snapshot."""

import pytest
from channels.testing import WebsocketCommunicator

from config.asgi import application
from events.announcements import services
from events.times import iso
from tests.sockets import in_thread

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

SAME_SITE = [(b"host", b"localhost"), (b"origin", b"http://localhost")]


async def open_socket(path: str):
    communicator = WebsocketCommunicator(application, path, headers=SAME_SITE)
    connected, _code = await communicator.connect()
    assert connected is True
    return communicator


async def test_programme_and_wall_hear_an_announcement_and_its_withdrawal(programme, event):
    sockets = [await open_socket("/ws/programme/"), await open_socket("/ws/netwerk/")]
    for socket in sockets:
        assert (await socket.receive_json_from(timeout=5))["announcements"] == []

    workshop = programme["small"]
    announcement = await in_thread(services.post_announcement)(
        event, text="Verplaatst naar <zaal 5>", workshop=workshop
    )

    expected = {
        "type": "announcement",
        "id": announcement.pk,
        "text": "Verplaatst naar <zaal 5>",
        "workshop": workshop.pk,
        "workshop_title": workshop.title,
        "expires_at": iso(announcement.expires_at),  # with the event's offset, as every moment
        "created_at": iso(announcement.created_at),
        "withdrawn_at": None,
    }
    assert [await socket.receive_json_from(timeout=5) for socket in sockets] == [expected, expected]

    await in_thread(services.withdraw_announcement)(event, announcement.pk)
    withdrawn = {"type": "announcement_withdrawn", "id": announcement.pk, "workshop": workshop.pk}
    assert [await socket.receive_json_from(timeout=5) for socket in sockets] == [withdrawn, withdrawn]

    # Withdrawing again publishes nothing.
    await in_thread(services.withdraw_announcement)(event, announcement.pk)
    assert [await socket.receive_nothing(timeout=0.2) for socket in sockets] == [True, True]
    for socket in sockets:
        await socket.disconnect()


async def test_a_socket_that_connects_later_finds_the_active_ones_in_its_snapshot(event):
    shown = await in_thread(services.post_announcement)(event, text="Lunch in de foyer")
    gone = await in_thread(services.post_announcement)(event, text="Ingetrokken")
    await in_thread(services.withdraw_announcement)(event, gone.pk)

    socket = await open_socket("/ws/programme/")
    snapshot = await socket.receive_json_from(timeout=5)

    assert [(a["id"], a["text"]) for a in snapshot["announcements"]] == [(shown.pk, "Lunch in de foyer")]
    await socket.disconnect()
