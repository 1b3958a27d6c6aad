"""The one module that publishes live events to WebSocket clients, over the channel layer.

Services call `publish` from `transaction.on_commit`, so a socket never hears of a change that
was rolled back. With REDIS_URL set the layer is Redis and every daphne process's sockets hear it.
"""

import asyncio
import json
import logging
import os
from collections.abc import Iterable

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder

logger = logging.getLogger(__name__)

DASHBOARD = "dashboard"
PROGRAMME = "programme"

# The consumer method that forwards a published message to its socket (see events.consumers).
HANDLER = "live.message"
# A Redis that hangs (not down: that fails at once) holds up the request at most this long.
PUBLISH_TIMEOUT = 2.0

# Sends handed to the server's event loop and not finished yet (see `sent`).
_in_flight: set = set()


Groups = str | Iterable[str]


def publish(groups: Groups, message: dict | None) -> None:
    """Send `message` (a JSON-able dict with a `type`) to every socket in `groups`; None sends nothing."""
    publish_batch([(groups, message)])


def publish_batch(batch: Iterable[tuple[Groups, dict | None]]) -> None:
    """Send several messages in one go, each encoded to JSON once (not once per socket).

    Inside a server process the sends are handed to its event loop and not waited for: the
    request that made the change answers at once. Elsewhere (commands, tests) they are awaited,
    for at most PUBLISH_TIMEOUT. A broken or hanging channel layer (Redis down) never breaks or
    holds up the change: dashboards reload a snapshot when they reconnect.
    """
    layer = get_channel_layer()
    deliveries = [
        (group, {"type": HANDLER, "text": json.dumps(message, cls=DjangoJSONEncoder)})
        for groups, message in batch
        if message is not None
        for group in ([groups] if isinstance(groups, str) else groups)
    ]
    if layer is None or not deliveries:
        return

    # A socket hears a batch's messages in order: one group's sends one after another, the
    # groups side by side.
    per_group: dict[str, list[dict]] = {}
    for group, event in deliveries:
        per_group.setdefault(group, []).append(event)

    async def send_in_order(group: str, events: list[dict]) -> None:
        for event in events:
            await layer.group_send(group, event)

    async def send_all() -> None:
        await asyncio.wait_for(
            asyncio.gather(*(send_in_order(group, events) for group, events in per_group.items())),
            PUBLISH_TIMEOUT,
        )

    loop = _server_loop()
    if loop is not None:
        future = asyncio.run_coroutine_threadsafe(send_all(), loop)
        _in_flight.add(future)
        future.add_done_callback(_in_flight.discard)
        future.add_done_callback(_report_failure)
        return
    try:
        async_to_sync(send_all)()
    except Exception:
        logger.warning("live events not delivered", exc_info=True)


async def sent() -> None:
    """Wait until every send this process handed to its event loop has left (or failed).

    A socket that joins a group after a change was published may otherwise still hear that
    change: harmless for the pages (each event carries whole figures), but a caller that must
    know where one change's events end, such as a test, awaits this first.
    """
    while _in_flight:
        await asyncio.wait([asyncio.wrap_future(future) for future in list(_in_flight)])


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the server that called this sync thread, if any (asgiref records it)."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def _report_failure(future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("live events not delivered", exc_info=future.exception())
