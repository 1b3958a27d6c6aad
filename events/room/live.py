"""Live events of the room, published through events.live after the commit.

Two public groups per room: the screens (the big screen and the moderator's page, a few sockets)
and the phones (every voter in the room, hundreds). Both get poll results, the questions the room
sees, and how many wait for the moderator. Nothing names anyone except an asker who chose to show
their name.

A room votes at once: one message per vote to every phone in the room would be hundreds of
thousands of sends in a minute. So within a server process the results of one poll go to the
screens at most every RESULTS_INTERVAL and to the phones at most every PHONE_RESULTS_INTERVAL, and
the last vote's results always go out to both (a trailing send, read after that vote committed).
The screens get their own group so that the few sends the room looks at are not queued behind
the hundreds to the phones. Opening and closing a poll go out at once.
"""

import asyncio
import threading
import time

from channels.db import database_sync_to_async
from django.db import transaction

from events import live
from events.room import selectors
from events.room.models import LiveRoom, Poll

SCREENS = "screens"
PHONES = "phones"
RESULTS_INTERVAL = 0.25  # seconds, the screens
PHONE_RESULTS_INTERVAL = 2.0  # seconds, the phones: a voter glances, the room watches the screen
INTERVALS = {SCREENS: RESULTS_INTERVAL, PHONES: PHONE_RESULTS_INTERVAL}

_lock = threading.Lock()
_last_sent: dict[tuple[int, str], float] = {}  # (poll id, audience) → when its results last went out
_trailing: set[tuple[int, str]] = set()  # (poll id, audience) with a send scheduled on the server loop
_tasks: set[asyncio.Future] = set()


def group(code: str, audience: str = PHONES) -> str:
    return f"room.{code}" if audience == PHONES else f"room.{code}.{audience}"


def both(code: str) -> tuple[str, str]:
    return group(code, SCREENS), group(code, PHONES)


def poll_message(poll_id: int, audiences=(SCREENS, PHONES)) -> tuple[tuple[str, ...], dict | None]:
    poll = Poll.objects.select_related("room").filter(pk=poll_id).first()
    if poll is None or poll.status == Poll.Status.DRAFT:
        return (), None
    # The screens first: events.live sends a message's groups side by side, in this order.
    groups = tuple(group(poll.room.code, audience) for audience in (SCREENS, PHONES) if audience in audiences)
    return groups, {"type": "poll", "poll": selectors.public_poll(poll)}


def question_message(question_id: int) -> tuple[tuple[str, ...], dict | None]:
    question = selectors.question_with_votes(question_id)
    if question is None:
        return (), None
    code = question.room.code
    if question.is_public:
        return both(code), {"type": "question", "question": selectors.public_question(question)}
    # Hidden (or not yet approved): screens that show it drop it.
    return both(code), {"type": "question_removed", "id": question.pk}


def pending_message(room_id: int) -> tuple[tuple[str, ...], dict | None]:
    room = LiveRoom.objects.filter(pk=room_id).first()
    if room is None:
        return (), None
    return both(room.code), {"type": "pending", "pending": selectors.pending_count(room_id)}


def _publish(message: tuple[tuple[str, ...], dict | None]) -> None:
    groups, body = message
    if body is not None:
        live.publish(groups, body)


def _publish_poll(poll_id: int, audiences=(SCREENS, PHONES)) -> None:
    now = time.monotonic()
    with _lock:
        for audience in audiences:
            _last_sent[(poll_id, audience)] = now
    _publish(poll_message(poll_id, audiences))


def _results_soon(poll_id: int) -> None:
    """For each audience: now, or (within its interval of its last send) once the interval is over."""
    loop = live.server_loop()
    if loop is None:  # commands and tests: every change at once
        _publish(poll_message(poll_id))
        return
    due_now, later = [], []
    with _lock:
        for audience, interval in INTERVALS.items():
            key = (poll_id, audience)
            if key in _trailing:
                continue  # the scheduled send reads the results after this vote
            wait = _last_sent.get(key, 0.0) + interval - time.monotonic()
            if wait > 0:
                _trailing.add(key)
                later.append((wait, audience))
            else:
                due_now.append(audience)
    for wait, audience in later:
        loop.call_soon_threadsafe(loop.call_later, wait, _start_trailing, poll_id, audience)
    if due_now:
        _publish_poll(poll_id, tuple(due_now))


def _start_trailing(poll_id: int, audience: str) -> None:
    task = asyncio.ensure_future(_send_trailing(poll_id, audience))
    _tasks.add(task)  # the loop keeps only a weak reference to a task
    task.add_done_callback(_tasks.discard)


async def _send_trailing(poll_id: int, audience: str) -> None:
    # Cleared before the results are read: a vote committed from here on schedules its own send.
    with _lock:
        _trailing.discard((poll_id, audience))
    # Not the thread-sensitive executor: a request may be holding it.
    await database_sync_to_async(_publish_poll, thread_sensitive=False)(poll_id, (audience,))


def after_commit_poll(poll_id: int) -> None:
    """The poll opened or closed: its state at once."""
    transaction.on_commit(lambda: _publish_poll(poll_id))


def after_commit_vote(poll_id: int) -> None:
    transaction.on_commit(lambda: _results_soon(poll_id))


def after_commit_question(question_id: int) -> None:
    transaction.on_commit(lambda: _publish(question_message(question_id)))


def after_commit_pending(room_id: int) -> None:
    transaction.on_commit(lambda: _publish(pending_message(room_id)))
