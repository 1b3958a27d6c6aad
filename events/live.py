"""The one module that publishes live events to WebSocket clients, over the channel layer.

Services call `publish` from `transaction.on_commit`, so a socket never hears of a change that
was rolled back. With REDIS_URL set the layer is Redis and every daphne process's sockets hear it.
"""

import asyncio
import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

DASHBOARD = "dashboard"
PROGRAMME = "programme"

# The consumer method that forwards a published message to its socket (see events.consumers).
HANDLER = "live.message"
# A Redis that hangs (not down: that fails at once) holds up the request at most this long.
PUBLISH_TIMEOUT = 2.0


Groups = str | Iterable[str]


def publish(groups: Groups, message: dict | None) -> None:
    """Send `message` (a JSON-able dict with a `type`) to every socket in `groups`; None sends nothing."""
    publish_batch([(groups, message)])


def publish_batch(batch: Iterable[tuple[Groups, dict | None]]) -> None:
    """Send several messages in one hop to the event loop (each hop costs about a millisecond).

    A broken channel layer (Redis down or hanging) must never break or hold up the HTTP request
    that made the change: dashboards reload a snapshot when they reconnect.
    """
    layer = get_channel_layer()
    deliveries = [
        (group, message)
        for groups, message in batch
        if message is not None
        for group in ([groups] if isinstance(groups, str) else groups)
    ]
    if layer is None or not deliveries:
        return

    async def send_all() -> None:
        await asyncio.wait_for(
            asyncio.gather(
                *(
                    layer.group_send(group, {"type": HANDLER, "message": message})
                    for group, message in deliveries
                )
            ),
            PUBLISH_TIMEOUT,
        )

    try:
        async_to_sync(send_all)()
    except Exception:
        kinds = sorted({message.get("type", "?") for _group, message in deliveries})
        logger.warning("live events %s not delivered", kinds, exc_info=True)
