"""In a server process the `workshop` events of a commit are built after the request by a thread
of their own (events.live.WorkshopNews), for every workshop changed meanwhile, with its figures as
they are then; `live.sent()` waits for them as for any other send."""

import asyncio
import json
import threading

import pytest
from channels.layers import InMemoryChannelLayer, get_channel_layer

from events import live
from tests.factories import register_attendee

pytestmark = pytest.mark.django_db(transaction=True)  # the thread reads with a connection of its own


@pytest.fixture
def server_loop():
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def on(loop, coroutine, timeout: float = 10):
    return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout)


def free_seats_heard(layer, channel, loop) -> dict[int, int]:
    """Per workshop the free seats of the last `workshop` event the channel got."""
    heard = {}
    while True:
        try:
            message = on(loop, asyncio.wait_for(layer.receive(channel), 0.5))
        except TimeoutError:
            return heard
        workshop = json.loads(message["text"])["workshop"]
        heard[workshop["id"]] = workshop["free"]


def test_the_events_carry_the_figures_after_the_commits(event, programme, server_loop):
    layer = get_channel_layer()
    channel = on(server_loop, layer.new_channel())
    on(server_loop, layer.group_add(live.programme(event.pk), channel))
    register_attendee(event, 1, programme["small"])
    register_attendee(event, 2, programme["small"], programme["digital"])

    news = live.WorkshopNews()
    news.add([programme["small"].pk], server_loop)
    news.add([programme["small"].pk, programme["digital"].pk], server_loop)
    on(server_loop, live.sent())

    heard = free_seats_heard(layer, channel, server_loop)
    assert heard == {programme["small"].pk: 0, programme["digital"].pk: 39}


def test_nothing_to_build_starts_no_thread(server_loop):
    news = live.WorkshopNews()
    news.add([], server_loop)
    assert news._thread is None


def test_a_batch_may_take_the_publish_timeout_for_each_of_its_events():
    assert (
        live.delivery_timeout({"programme.1": [{}] * 24, "dashboard.1": [{}] * 3})
        == 24 * live.PUBLISH_TIMEOUT
    )
    assert live.delivery_timeout({"programme.1": [{}]}) == live.PUBLISH_TIMEOUT


class RefusingLayer(InMemoryChannelLayer):
    """Redis refusing every send while `refusing`, as when it restarts under the server."""

    refusing = False

    async def group_send(self, group, message):
        if RefusingLayer.refusing:
            raise ConnectionError("connection refused")
        await super().group_send(group, message)


def test_workshops_whose_events_failed_are_built_again_with_the_next_change(
    event, programme, server_loop, settings
):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": f"{__name__}.RefusingLayer"}}
    RefusingLayer.refusing = True
    layer = get_channel_layer()
    channel = on(server_loop, layer.new_channel())
    on(server_loop, layer.group_add(live.programme(event.pk), channel))
    news = live.WorkshopNews()

    register_attendee(event, 1, programme["small"])
    news.add([programme["small"].pk], server_loop)  # refused: nothing heard
    on(server_loop, live.sent())
    RefusingLayer.refusing = False
    register_attendee(event, 2, programme["digital"])
    news.add([programme["digital"].pk], server_loop)
    on(server_loop, live.sent())

    heard = free_seats_heard(layer, channel, server_loop)
    assert heard == {programme["small"].pk: 1, programme["digital"].pk: 39}
