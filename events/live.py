"""The one module that publishes live events to WebSocket clients, over the channel layer, and
the live messages of the core (workshops, registrations). The apps built on the core build their
own messages in their `live.py` and publish them through here.

Services call `publish` from `transaction.on_commit`, so a socket never hears of a change that
was rolled back. With REDIS_URL set the layer is Redis and every daphne process's sockets hear it.
Groups belong to one edition (`dashboard(event_id)`, …); `close_sockets` ends the sockets of a
credential's group (a revoked device, an ended session) the same way.
"""

import asyncio
import json
import logging
import math
import os
import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections

from events.models import Registration, Workshop, secret_hash
from events.schemas import WorkshopOut

logger = logging.getLogger(__name__)

# The consumer methods that forward a published message to its socket, and that close it (see
# events.consumers).
HANDLER = "live.message"
CLOSE = "live.close"
# Close code for a socket whose right ended (device revoked, session ended): the client reconnects
# and is refused, or asks to log in again.
RIGHT_ENDED = 4401
# A Redis that hangs (not down: that fails at once) holds up the request at most this long.
PUBLISH_TIMEOUT = 2.0

# Sends handed to the server's event loop and not finished yet (see `sent`).
_in_flight: set = set()


Groups = str | Iterable[str]


# Every live group belongs to one edition: a socket joins those of the edition it is bound to, so
# it never hears another edition's names or figures.


def edition_group(kind: str, event_id: int) -> str:
    return f"{kind}.{event_id}"


def dashboard(event_id: int) -> str:
    """The organisers' and scanners' feed of one edition (names, arrivals)."""
    return edition_group("dashboard", event_id)


def programme(event_id: int) -> str:
    """The public feed of one edition's programme (seats, rooms, times)."""
    return edition_group("programme", event_id)


def announcements(event_id: int) -> str:
    """Every live socket of one edition: organisers' announcements (events.announcements)."""
    return edition_group("announcements", event_id)


# A socket opened with a credential also joins that credential's group, so that ending the
# credential closes its sockets on every process.


def session_group(session_key: str) -> str:
    """The sockets opened with this session (hashed: the key itself is a credential)."""
    return f"session.{secret_hash(session_key)[:32]}"


def close_sockets(groups: Groups, code: int = RIGHT_ENDED) -> None:
    """Close every socket in `groups` (call from `transaction.on_commit`)."""
    _deliver({group: {"type": CLOSE, "code": code} for group in _names(groups)})


def _names(groups: Groups) -> list[str]:
    return [groups] if isinstance(groups, str) else list(groups)


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
    _deliver(_per_group(batch))


def _per_group(batch: Iterable[tuple[Groups, dict | None]]) -> dict[str, dict]:
    """Per group one message of the channel layer with its events in order, which each socket's
    consumer forwards one by one (events.consumers). One, not one per event: the layer's work is
    per message and per socket (every process hands each message to each socket of the group),
    and a batch of seat figures after a rush holds two dozen events for hundreds of sockets."""
    texts: dict[str, list[str]] = {}
    for groups, message in batch:
        if message is None:
            continue
        text = json.dumps(message, cls=DjangoJSONEncoder)
        for group in _names(groups):
            texts.setdefault(group, []).append(text)
    return {group: {"type": HANDLER, "texts": events} for group, events in texts.items()}


def _deliver(per_group: dict[str, dict], loop: asyncio.AbstractEventLoop | None = None) -> Future | None:
    """Send each group its message, the groups side by side. `loop`: the server's, for a thread
    asgiref does not know (WorkshopNews); returns the future of the sends handed to it."""
    layer = get_channel_layer()
    if layer is None or not per_group:
        return None

    async def send_all() -> None:
        await asyncio.wait_for(
            asyncio.gather(*(layer.group_send(group, message) for group, message in per_group.items())),
            PUBLISH_TIMEOUT,
        )

    loop = loop or _server_loop()
    if loop is not None:
        future = asyncio.run_coroutine_threadsafe(send_all(), loop)
        _in_flight.add(future)
        future.add_done_callback(_in_flight.discard)
        future.add_done_callback(_report_failure)
        return future
    try:
        async_to_sync(send_all)()
    except Exception:
        logger.warning("live events not delivered", exc_info=True)
    return None


async def sent() -> None:
    """Wait until every send this process handed to its event loop has left (or failed).

    A socket that joins a group after a change was published may otherwise still hear that
    change: harmless for the pages (each event carries whole figures), but a caller that must
    know where one change's events end, such as a test, awaits this first.
    """
    while _in_flight:
        await asyncio.wait([asyncio.wrap_future(future) for future in list(_in_flight)])


def server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the server whose thread this is; None in commands and tests. For callers
    that schedule a later publish on it (events.room.live)."""
    return _server_loop()


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the server that called this sync thread, if any (asgiref records it)."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def _report_failure(future) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("live events not delivered", exc_info=future.exception())


# The core's messages.


def publish_changes(
    messages: list[tuple[Groups, dict | None]],
    registrations: list[tuple[int, str]],
    workshop_ids: list[int],
    *,
    promptly: bool = True,
) -> None:
    """After a commit: `messages` as they are, then a `registration` event per (id, action) for its
    edition's dashboard and a `workshop` event per workshop for its edition's programme and
    dashboard (in a server process: by `workshop_news`, after the request; `promptly`: without
    waiting for the next batch)."""
    loop = _server_loop()
    batch = messages + [
        registration_message(registration_id, action) for registration_id, action in registrations
    ]
    if loop is None:
        publish_batch(batch + workshop_messages(workshop_ids))
        return
    publish_batch(batch)
    workshop_news.add(workshop_ids, loop, promptly=promptly)


class WorkshopNews:
    """In a server process, the `workshop` events are built by a thread of their own, once for all
    the workshops changed since it last built them, each with its figures as they are then (one
    query, one for the speakers). In a rush of registrations the same few workshops change in every
    request: their events are built a few times a second instead of three times a request, and the
    request does not wait for them. A socket still hears every workshop's latest figures: the first
    change after a quiet moment at once, then one batch per LIVE_WORKSHOP_INTERVAL at most (each
    event goes to every open programme page, and every process sends its own), unless a change is
    to go `promptly` (a workshop moved or cancelled: rare, and people act on it)."""

    def __init__(self):
        self._pending: set[int] = set()
        self._promptly = False
        self._waiting: list[Future] = []  # in `_in_flight` meanwhile: `sent()` waits for them
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._prompted = threading.Event()  # ends a pause
        self._thread: threading.Thread | None = None

    def add(
        self, workshop_ids: Iterable[int], loop: asyncio.AbstractEventLoop, *, promptly: bool = False
    ) -> None:
        workshop_ids = set(workshop_ids)
        if not workshop_ids:
            return
        done: Future = Future()
        _in_flight.add(done)
        done.add_done_callback(_in_flight.discard)
        with self._lock:
            self._pending |= workshop_ids
            self._promptly = self._promptly or promptly
            self._waiting.append(done)
            self._loop = loop
            if promptly:
                self._prompted.set()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="live-workshops", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        built_at = -math.inf
        while True:
            self._wake.wait()
            pause = built_at + settings.LIVE_WORKSHOP_INTERVAL - time.monotonic()
            if pause > 0 and not self._promptly:  # what changes meanwhile goes in the same batch
                self._prompted.wait(pause)
            built_at = time.monotonic()
            self._wake.clear()
            self._prompted.clear()
            with self._lock:
                self._promptly = False
                ids, self._pending = sorted(self._pending), set()
                waiting, self._waiting = self._waiting, []
                loop = self._loop
            try:
                if ids and loop is not None and loop.is_running():
                    future = _deliver(_per_group(workshop_messages(ids)), loop)
                    if future is not None:  # in order: one batch at a time
                        future.result(timeout=PUBLISH_TIMEOUT + 1)
            except Exception:
                logger.warning("workshop events not delivered", exc_info=True)
                with self._lock:  # built again with the next change: no socket keeps old figures
                    self._pending |= set(ids)
            finally:
                close_old_connections()
                for done in waiting:
                    done.set_result(None)


workshop_news = WorkshopNews()


def workshop_messages(workshop_ids: list[int]) -> list[tuple[Groups, dict]]:
    """`workshop` events for these workshops and the groups they go to, in one query (plus one
    for their speakers)."""
    workshops = (
        Workshop.objects.filter(pk__in=workshop_ids)
        .select_related("round", "room")
        .prefetch_related("speakers")
        .with_counts()
        .order_by("pk")
    )
    return [
        (
            (programme(w.round.event_id), dashboard(w.round.event_id)),
            {"type": "workshop", "workshop": WorkshopOut.from_orm(w).model_dump(mode="json")},
        )
        for w in workshops
    ]


def registration_message(registration_id: int, action: str) -> tuple[Groups, dict | None]:
    """The event and its dashboard; no event when the registration is gone by the time the commit
    hook runs."""
    registration = Registration.objects.select_related("municipality").filter(pk=registration_id).first()
    if registration is None:
        return (), None
    registered = Registration.objects.filter(
        event_id=registration.event_id, status=Registration.Status.CONFIRMED
    ).count()
    return dashboard(registration.event_id), registration_event(registration, action, registered)


def registration_event(registration: Registration, action: str, registered: int) -> dict:
    """The `registration` event for the dashboard: who, and the new number of registrations."""
    return {
        "type": "registration",
        "action": action,
        "registered": registered,
        "registration": {
            "reference": registration.reference,
            "name": registration.full_name,
            "role": registration.role,
            "role_label": str(registration.get_role_display()),
            "municipality": registration.affiliation,
            "province": registration.municipality.province if registration.municipality_id else "",
            "at": registration.updated_at.isoformat(),
        },
    }
