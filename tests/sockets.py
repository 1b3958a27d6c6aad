"""Running our sync services from async socket tests, one change's live events at a time."""

from channels.db import database_sync_to_async

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
