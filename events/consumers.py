"""WebSocket consumers of the core, and the base every live socket shares."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from events import live
from events.models import Event, Workshop
from events.schemas import WorkshopOut

# WebSocket close code (application range 4000-4999) for "there is no event (yet)".
NO_EVENT = 4404


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Joins `live_groups` once allowed, sends a snapshot on connect and on request, then forwards
    every published message. Clients reload the snapshot on reconnect, so nothing is lost for good."""

    live_groups: tuple[str, ...] = ()

    async def is_allowed(self) -> bool:
        return True

    async def snapshot(self) -> dict:
        raise NotImplementedError

    async def connect(self) -> None:
        if not await self.is_allowed():
            await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        self.joined = []
        for group in self.live_groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined.append(group)
        await self.accept()
        await self.send_snapshot()

    async def send_snapshot(self) -> None:
        try:
            await self.send_json(await self.snapshot())
        except Http404:
            await self.close(code=NO_EVENT)  # nothing to show yet: the client retries later

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "snapshot":
            await self.send_snapshot()
        elif isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def dispatch(self, message: dict) -> None:
        # Forwarding a published event touches no database: skip channels' per-message hop to the
        # sync thread (close_old_connections), which a hundred dashboards would pay per scan.
        if message.get("type") == live.HANDLER:
            await self.send(text_data=message["text"])
            return
        await super().dispatch(message)


@database_sync_to_async
def _programme_snapshot() -> dict:
    event = Event.objects.current()
    workshops = Workshop.objects.programme(event) if event else []
    return {
        "type": "snapshot",
        "workshops": [WorkshopOut.from_orm(workshop).model_dump(mode="json") for workshop in workshops],
    }


class ProgrammeConsumer(LiveConsumer):
    """Public: seat counts, rooms and times of the programme as they change."""

    live_groups = (live.PROGRAMME,)

    async def snapshot(self) -> dict:
        return await _programme_snapshot()
