"""WebSocket consumers of the core, and the base every live socket shares."""

import asyncio
import json
import logging
from collections.abc import Callable
from importlib import import_module

from channels.auth import get_user
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.http import Http404

from events import live
from events.announcements import live as announcements_live
from events.auth import is_organiser
from events.models import Event, Workshop
from events.schemas import WorkshopOut

logger = logging.getLogger(__name__)

# WebSocket close code (application range 4000-4999) for "there is no event (yet)".
NO_EVENT = 4404
# Clients send `{"type": "snapshot"}` or `{"type": "ping"}`; anything much longer is not ours.
MAX_FRAME_CHARS = 1024
# Standard close codes for a frame we cannot read (RFC 6455, 7.4.1).
UNSUPPORTED_DATA = 1003
INVALID_PAYLOAD = 1007
TOO_BIG = 1009


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Bound to one edition on connect: joins that edition's `live_groups` (and the groups of the
    credential it was opened with) once allowed, sends a snapshot on connect and on request, then
    forwards every published message. Clients reload the snapshot on reconnect, so nothing is lost
    for good. A frame it cannot read closes the socket with one log line."""

    # Builders of the edition's groups this socket hears, e.g. `live.programme`.
    live_groups: tuple[Callable[[int], str], ...] = ()
    # Whether the socket's right is checked again every settings.SOCKET_RECHECK_SECONDS.
    rechecked = False
    # The site's current edition, when `edition` looked it up (snapshots need not load it again).
    event: Event | None = None

    async def is_allowed(self) -> bool:
        return True

    async def still_allowed(self) -> bool:
        """Asked again while the socket is open (when `rechecked`): False closes it."""
        return True

    def credential_groups(self) -> list[str]:
        """Groups that close this socket when its credential ends (see `live.close_sockets`)."""
        return []

    async def edition(self) -> int | None:
        """The edition this socket is bound to: the site's current one unless said otherwise."""
        self.event = await _current_edition()
        return self.event.pk if self.event else None

    async def snapshot(self) -> dict:
        raise NotImplementedError

    async def connect(self) -> None:
        self.joined: list[str] = []
        self.closing = False
        self.recheck: asyncio.Task | None = None
        if not await self.is_allowed():
            await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        self.event_id = await self.edition()
        groups = self.credential_groups()
        if self.event_id is not None:
            # Every live page shows the organisers' announcements (events.announcements).
            groups += [group(self.event_id) for group in (*self.live_groups, live.announcements)]
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined.append(group)
        await self.accept()
        if self.rechecked:
            self.recheck = asyncio.create_task(self.check_periodically())
        await self.send_snapshot()

    async def send_snapshot(self) -> None:
        try:
            snapshot = await self.snapshot()
            snapshot["announcements"] = await _active_announcements(self.event_id)
            await self.send_json(snapshot)
        except Http404:
            await self.close(code=NO_EVENT)  # nothing to show yet: the client retries later

    async def check_periodically(self) -> None:
        """What slipped past the close on revocation (a lost message, a right ended another way,
        such as an expired session or a deactivated account) is closed here."""
        while True:
            await asyncio.sleep(settings.SOCKET_RECHECK_SECONDS)
            try:
                allowed = await self.still_allowed()
            except Exception:
                logger.warning("could not re-check a %s socket; trying again later", self.path, exc_info=True)
                continue
            if not allowed:
                logger.info("closing a %s socket: its right ended", self.path)
                await self.close(code=live.RIGHT_ENDED)
                return

    @property
    def path(self) -> str:
        return self.scope.get("path", "?")

    async def disconnect(self, code: int) -> None:
        if self.recheck is not None:
            self.recheck.cancel()
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        if self.closing:
            return  # frames that were under way when we closed
        if text_data is None:
            await self.refuse(UNSUPPORTED_DATA, "a binary frame")
        elif len(text_data) > MAX_FRAME_CHARS:
            await self.refuse(TOO_BIG, f"a frame of {len(text_data)} characters")
        else:
            try:
                content = json.loads(text_data)
            except (ValueError, RecursionError):
                await self.refuse(INVALID_PAYLOAD, "a frame that is not JSON")
                return
            await self.receive_json(content)

    async def refuse(self, code: int, what: str) -> None:
        """Close the socket over a frame we cannot read: one log line, no traceback."""
        self.closing = True
        logger.info("closing a %s socket: it sent %s", self.path, what)
        await self.close(code=code)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "snapshot":
            await self.send_snapshot()
        elif isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def dispatch(self, message: dict) -> None:
        # Forwarding a published event touches no database: skip channels' per-message hop to the
        # sync thread (close_old_connections), which a hundred dashboards would pay per scan.
        if message.get("type") == live.HANDLER:
            for text in message["texts"]:  # a group's events of one change or batch, in order
                await self.send(text_data=text)
            return
        if message.get("type") == live.CLOSE:
            self.closing = True
            await self.close(code=message["code"])
            return
        await super().dispatch(message)


@database_sync_to_async
def _active_announcements(event_id: int | None) -> list[dict]:
    return announcements_live.active(event_id) if event_id is not None else []


@database_sync_to_async
def _current_edition() -> Event | None:
    return Event.objects.current()


# Organisers' sockets: the session they were opened with.




def _session_key(scope) -> str | None:
    session = scope.get("session")
    return session.session_key if session is not None else None


def session_groups(scope) -> list[str]:
    """The group of the session behind a socket (closed when the session ends: logout, flush)."""
    key = _session_key(scope)
    return [live.session_group(key)] if key else []


async def session_still_staff(scope) -> bool:
    """The socket's session, read afresh, still belongs to the same staff account."""
    key = _session_key(scope)
    if not key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(key)
    user = await get_user({"session": store})  # also checks the password has not changed since
    return is_organiser(user) and user.pk == scope["user"].pk


@database_sync_to_async
def _programme_snapshot(event: Event | None) -> dict:
    workshops = Workshop.objects.programme(event) if event else []
    return {
        "type": "snapshot",
        "workshops": [WorkshopOut.from_orm(workshop).model_dump(mode="json") for workshop in workshops],
    }


class ProgrammeConsumer(LiveConsumer):
    """Public: seat counts, rooms and times of the programme as they change."""

    live_groups = (live.programme,)

    async def snapshot(self) -> dict:
        return await _programme_snapshot(self.event)
