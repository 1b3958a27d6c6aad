"""What every socket refuses: a page of another origin (scheme, host and port compared exactly),
and frames that are not ours, which close the socket with one log line and no traceback."""

import logging

import pytest
from channels.testing import WebsocketCommunicator

from config.asgi import application

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def opens(path: str, headers) -> bool:
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _code = await communicator.connect()
    if connected:
        await communicator.disconnect()
    return connected


@pytest.mark.parametrize(
    ("host", "origin", "expected"),
    [
        (b"127.0.0.1:8000", b"http://127.0.0.1:8000", True),
        (b"localhost", b"http://localhost", True),
        (b"localhost", b"http://LOCALHOST:80", True),
        (b"127.0.0.1:8000", b"http://127.0.0.1:9999", False),  # another site on this machine
        (b"127.0.0.1:8000", b"http://127.0.0.1", False),
        (b"localhost", b"https://localhost", False),  # the socket came in over plain ws
        (b"localhost", b"http://localhost.evil.example", False),
        (b"localhost", b"http://evil.example", False),
        (b"evil.example", b"http://evil.example", False),  # a Host outside ALLOWED_HOSTS
        (b"localhost", b"null", False),
        (b"localhost", b"localhost", False),
    ],
)
async def test_the_origin_must_be_the_site_itself(programme, host, origin, expected):
    assert await opens("/ws/programme/", [(b"host", host), (b"origin", origin)]) is expected


async def test_site_url_and_trusted_origins_count_as_the_site_behind_a_proxy(programme, settings):
    settings.SITE_URL = "https://dld.example.nl"
    settings.CSRF_TRUSTED_ORIGINS = ["https://aanmelden.example.nl:8443"]
    settings.ALLOWED_HOSTS = ["dld.example.nl", "aanmelden.example.nl"]
    # The proxy speaks plain ws to daphne; the browser's page was https.
    host = (b"host", b"dld.example.nl")
    assert await opens("/ws/programme/", [host, (b"origin", b"https://dld.example.nl")]) is True
    assert await opens("/ws/programme/", [host, (b"origin", b"https://dld.example.nl:444")]) is False
    assert await opens("/ws/programme/", [host, (b"origin", b"https://aanmelden.example.nl:8443")]) is True
    assert await opens("/ws/programme/", [host, (b"origin", b"https://aanmelden.example.nl")]) is False


async def test_the_forwarded_scheme_counts(programme):
    headers = [(b"host", b"localhost"), (b"x-forwarded-proto", b"https")]
    assert await opens("/ws/programme/", [*headers, (b"origin", b"https://localhost")]) is True
    assert await opens("/ws/programme/", [*headers, (b"origin", b"http://localhost")]) is False


async def test_clients_without_an_origin_are_not_browsers_and_may_connect(programme):
    assert await opens("/ws/programme/", []) is True


GARBAGE = [
    ({"bytes": b"\x00\x01binary"}, 1003),
    ({"text": "{{{"}, 1007),
    ({"text": "[" * 5000 + "]" * 5000}, 1009),
    ({"text": "[" * 400 + "]" * 400 + "x"}, 1007),
]


@pytest.mark.parametrize(("frame", "code"), GARBAGE)
@pytest.mark.parametrize("path", ["/ws/programme/", "/ws/netwerk/"])
async def test_a_frame_that_is_not_ours_closes_the_socket_with_one_log_line(
    programme, caplog, path, frame, code
):
    communicator = WebsocketCommunicator(application, path)
    connected, _code = await communicator.connect()
    assert connected is True
    assert (await communicator.receive_json_from(timeout=5))["type"] == "snapshot"

    with caplog.at_level(logging.INFO):
        await communicator.send_input({"type": "websocket.receive", **frame})
        await communicator.send_input({"type": "websocket.receive", **frame})  # the client goes on
        assert await communicator.receive_output(timeout=5) == {"type": "websocket.close", "code": code}
        assert await communicator.receive_nothing(timeout=0.2) is True
    await communicator.disconnect()

    logged = [record for record in caplog.records if record.name.startswith(("events", "django", "daphne"))]
    assert [(record.levelname, record.exc_info) for record in logged] == [("INFO", None)]
    assert logged[0].getMessage().startswith(f"closing a {path} socket: it sent ")


async def test_a_small_json_frame_of_another_shape_is_ignored(programme):
    communicator = WebsocketCommunicator(application, "/ws/programme/")
    await communicator.connect()
    await communicator.receive_json_from(timeout=5)
    for text in ["[]", "42", '"snapshot"', '{"type": 1}', "[" * 200 + "]" * 200]:
        await communicator.send_to(text_data=text)
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    await communicator.disconnect()
