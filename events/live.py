"""The one module that publishes live events to WebSocket clients, over the channel layer.

Services call `publish` from `transaction.on_commit`, so a socket never hears of a change that
was rolled back. With REDIS_URL set the layer is Redis and every daphne process's sockets hear it.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

DASHBOARD = "dashboard"
PROGRAMME = "programme"

# The consumer method that forwards a published message to its socket (see events.consumers).
HANDLER = "live.message"


def publish(group: str, message: dict | None) -> None:
    """Send `message` (a JSON-able dict with a `type`) to every socket in `group`; None sends nothing.

    A broken channel layer (Redis down) must never break the HTTP request that made the change:
    dashboards reload a snapshot when they reconnect.
    """
    layer = get_channel_layer()
    if layer is None or message is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": HANDLER, "message": message})
    except Exception:
        logger.warning("live event %s to %s not delivered", message.get("type"), group, exc_info=True)
