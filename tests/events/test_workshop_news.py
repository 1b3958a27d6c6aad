"""In a server process the `workshop` events of a commit are built after the request by a thread
of their own (events.live.WorkshopNews), for every workshop changed meanwhile, with its figures as
they are then; `live.sent()` waits for them as for any other send."""

import asyncio
import json
import threading

import pytest
from channels.layers import InMemoryChannelLayer, get_channel_layer

from events import live
from events.models import Booking
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


def layer_messages(layer, channel, loop) -> list[dict]:
    """The channel layer's messages the channel got, until none came for half a second."""
    got = []
    while True:
        try:
            got.append(on(loop, asyncio.wait_for(layer.receive(channel), 0.5)))
        except TimeoutError:
            return got


def workshops_heard(layer, channel, loop) -> list[dict]:
    """The workshop of each `workshop` event the channel got, in order."""
    return [
        json.loads(text)["workshop"]
        for message in layer_messages(layer, channel, loop)
        for text in message["texts"]
    ]


def free_seats_heard(layer, channel, loop) -> dict[int, int]:
    """Per workshop the free seats of the last `workshop` event the channel got."""
    return {workshop["id"]: workshop["free"] for workshop in workshops_heard(layer, channel, loop)}


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


def test_changes_after_a_batch_wait_for_the_interval_and_go_together(event, programme, server_loop, settings):
    settings.LIVE_WORKSHOP_INTERVAL = 3.0
    small = programme["small"]
    people = [register_attendee(event, n) for n in (1, 2, 3)]  # no workshop: nothing to the programme

    def book(person, status: str) -> None:  # written as a service would, its event left to `news`
        Booking.objects.create(registration=person, workshop=small, round=small.round, status=status)

    layer = get_channel_layer()
    channel = on(server_loop, layer.new_channel())
    on(server_loop, layer.group_add(live.programme(event.pk), channel))
    news = live.WorkshopNews()

    book(people[0], Booking.Status.BOOKED)
    news.add([small.pk], server_loop)  # the first after a quiet moment: at once
    on(server_loop, asyncio.wait_for(live.sent(), 2.0))
    book(people[1], Booking.Status.BOOKED)
    news.add([small.pk], server_loop)
    book(people[2], Booking.Status.WAITLISTED)
    news.add([small.pk], server_loop)
    on(server_loop, live.sent())

    heard = workshops_heard(layer, channel, server_loop)
    assert [(workshop["free"], workshop["waitlisted"]) for workshop in heard] == [(1, 0), (0, 1)]


def test_a_batch_reaches_the_layer_as_one_message_per_group(event, programme, server_loop):
    """The layer's work is per message and per socket: two dozen workshops after a rush are one
    message to each group, its events in order."""
    layer = get_channel_layer()
    channel = on(server_loop, layer.new_channel())
    on(server_loop, layer.group_add(live.programme(event.pk), channel))
    small, digital = programme["small"], programme["digital"]

    live.WorkshopNews().add([digital.pk, small.pk], server_loop)
    on(server_loop, live.sent())

    [message] = layer_messages(layer, channel, server_loop)
    assert [json.loads(text)["workshop"]["id"] for text in message["texts"]] == sorted([small.pk, digital.pk])


def test_a_workshop_moved_goes_at_once_also_during_a_batchs_pause(event, programme, server_loop, settings):
    """Bookings wait for the interval; a change people act on (a workshop moved or cancelled) does
    not, and takes the waiting seat figures along."""
    settings.LIVE_WORKSHOP_INTERVAL = 30.0
    small, digital = programme["small"], programme["digital"]
    layer = get_channel_layer()
    channel = on(server_loop, layer.new_channel())
    on(server_loop, layer.group_add(live.programme(event.pk), channel))
    news = live.WorkshopNews()

    news.add([small.pk], server_loop)  # the first after a quiet moment: at once
    on(server_loop, asyncio.wait_for(live.sent(), 2.0))
    news.add([small.pk], server_loop)  # waits for the interval ...
    news.add([digital.pk], server_loop, promptly=True)  # ... until this one comes
    on(server_loop, asyncio.wait_for(live.sent(), 5.0))

    heard = [
        [json.loads(t)["workshop"]["id"] for t in m["texts"]]
        for m in layer_messages(layer, channel, server_loop)
    ]
    assert heard == [[small.pk], sorted([small.pk, digital.pk])]
