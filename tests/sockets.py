"""Running our sync services from async socket tests, one change's live events at a time."""

import asyncio
import json
import uuid

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from events import live


def in_thread(function):
    """`function` run in the ORM's thread; awaiting it also waits until its live events have left.

    Without the wait a socket opened right after a change can still hear that change, and a test
    reading "the next event" would read the wrong one.
    """
    run = database_sync_to_async(function)

    async def run_and_send(*args, **kwargs):
        result = await run(*args, **kwargs)
        await live.sent()
        return result

    return run_and_send


class Heard:
    """What a group of the channel layer hears, as a dashboard's socket would: join it first, then
    `messages()` drains what arrived so far (the decoded JSON of each live event)."""

    def __init__(self, group: str):
        self.layer = get_channel_layer()
        # A plain channel name, not new_channel()'s process-local one: the Redis layer binds
        # those to the event loop of their first receive, and every `messages()` has its own.
        self.channel = f"heard.{uuid.uuid4().hex}"
        async_to_sync(self.layer.group_add)(group, self.channel)

    def messages(self) -> list[dict]:
        async def drain() -> list[dict]:
            heard = []
            while True:
                try:
                    event = await asyncio.wait_for(self.layer.receive(self.channel), 0.2)
                except TimeoutError:
                    return heard
                heard += [json.loads(text) for text in event["texts"]]

        return async_to_sync(drain)()
