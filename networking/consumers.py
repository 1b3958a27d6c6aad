"""The public socket of the network pages: places per offer and the network's members, live."""

from channels.db import database_sync_to_async

from events.consumers import LiveConsumer
from events.models import Event
from networking.live import network
from networking.selectors import network_snapshot


@database_sync_to_async
def _snapshot(event_id: int | None) -> dict:
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return {"type": "snapshot", "offers": [], "members": []}
    return network_snapshot(event)


class NetworkConsumer(LiveConsumer):
    """Public: nothing personal travels here (municipalities and counts only)."""

    live_groups = (network,)

    async def snapshot(self) -> dict:
        return await _snapshot(self.event_id)
