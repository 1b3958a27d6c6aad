"""The room's public socket, /ws/room/<code>/: the big screen, the voters' phones, the moderator.

Poll results and the questions the room sees, as they change; a snapshot on every (re)connect.
No personal data: a name only where the asker chose to show it. An unknown code is refused."""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from events.consumers import LiveConsumer
from events.room import live, selectors
from events.room.models import LiveRoom


def _query(scope) -> dict[str, list[str]]:
    return parse_qs(scope.get("query_string", b"").decode("latin-1"))


@database_sync_to_async
def _room(code: str) -> LiveRoom | None:
    return LiveRoom.objects.select_related("workshop__room", "workshop__round").filter(code=code.upper()).first()


@database_sync_to_async
def _snapshot(room: LiveRoom) -> dict:
    return selectors.snapshot(room)


class RoomConsumer(LiveConsumer):
    async def is_allowed(self) -> bool:
        self.room = await _room(self.scope["url_route"]["kwargs"]["room_code"])
        if self.room is None:
            return False
        code = self.room.code
        # `?screen=1`: the big screen and the moderator, who get the results more often.
        audience = live.SCREENS if _query(self.scope).get("screen") == ["1"] else live.PHONES
        self.live_groups = (lambda _event_id: live.group(code, audience),)
        return True

    async def edition(self) -> int | None:
        return self.room.workshop.round.event_id

    async def snapshot(self) -> dict:
        return await _snapshot(self.room)
