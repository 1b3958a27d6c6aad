"""A room votes at once: `python -m bench.poll`.

700 voters, each with a phone socket on `/ws/room/<code>/`, spread over two daphne processes
(Redis carries the messages between them), vote within a few seconds over HTTP; a big-screen
socket on the first process watches the results. Figures, as JSON in bench/results/poll.json:

- lost and double votes: the votes in the database and in the final result against the voters
  (each voted once; a 200 answer is a vote that must count, exactly once);
- how long the 700 votes took to send (must be within 10 s);
- the big screen's delay: for the k-th vote answered, the time until a results message with at
  least k votes reached the screen (p50/p95/p99), and the delay after the last vote;
- memory per open socket: the daphne processes' resident memory before and after the sockets
  opened, divided by the sockets.

The baseline in the same run is the same vote burst with no phone sockets open (only the big
screen), so the cost of the fan-out to 700 phones shows next to the cost of the votes.
"""

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from websockets.asyncio.client import connect

from bench.client import Client, latency_ms
from bench.common import register_attendees
from bench.servers import (
    REDIS_URL,
    RESULTS,
    Setup,
    daphnes,
    drop_database,
    postgres_available,
    prepare_database,
    redis_available,
    resident_kib,
    setup_django,
)

VOTERS = 700
SEND_WITHIN = 10.0  # seconds: the whole burst of votes
SCREEN_TIMEOUT = 15.0
CONNECT_CONCURRENCY = 50
VOTE_CONCURRENCY = 64


def voters_and_poll(count: int) -> tuple[list[str], int, str]:
    """`count` attendees (their manage tokens) and an open poll in the first workshop's room."""
    from events.models import Event, Workshop
    from events.room import services as room_services

    tokens = [token for _registration, token in register_attendees(count, "Stemmer", "poll.bench.example")]
    event = Event.objects.order_by("pk").first()
    workshop = Workshop.objects.filter(round__event=event).order_by("round__starts_at", "pk").first()
    poll = room_services.create_poll(
        workshop, question="Welke aanpak eerst?", kind="single", options=["A", "B", "C"]
    )
    room_services.open_poll(poll)
    room = room_services.room_for(workshop)
    from django.db import connections

    connections.close_all()
    return tokens, poll.pk, room.code


async def burst(
    ports: list[int], code: str, poll_id: int, tokens: list[str], phones: bool, pids: list[int]
) -> dict:
    perf = time.perf_counter
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    sockets = []
    screen_seen: list[tuple[float, int]] = []  # (arrival, votes in that message)
    last_votes = 0
    everything_in = asyncio.Event()

    async def open_socket(port: int, query: str = ""):
        async with gate:
            socket = await connect(
                f"ws://127.0.0.1:{port}/ws/room/{code}/{query}", proxy=None, max_size=None, open_timeout=30
            )
            await socket.recv()  # the snapshot
            return socket

    phone_final: list[float] = []  # when each phone heard a result with every vote

    async def drain(socket) -> None:
        try:
            async for frame in socket:
                message = json.loads(frame)
                if message.get("type") == "poll" and message["poll"]["results"]["votes"] >= len(tokens):
                    phone_final.append(perf())
                    return
        except Exception:  # a phone that drops out is counted by the votes, not here
            return

    memory_before = sum(resident_kib(pid) for pid in pids)
    screen = await open_socket(ports[0], "?screen=1")
    if phones:
        sockets = await asyncio.gather(
            *(open_socket(ports[index % len(ports)]) for index in range(len(tokens)))
        )
    await asyncio.sleep(1.0)
    memory_after = sum(resident_kib(pid) for pid in pids)
    drains = [asyncio.create_task(drain(socket)) for socket in sockets]

    async def watch_screen() -> None:
        nonlocal last_votes
        async for frame in screen:
            message = json.loads(frame)
            if message.get("type") == "poll" and message["poll"]["id"] == poll_id:
                votes = message["poll"]["results"]["votes"]
                screen_seen.append((perf(), votes))
                last_votes = max(last_votes, votes)
                if votes >= len(tokens):
                    everything_in.set()

    watcher = asyncio.create_task(watch_screen())
    clients = [Client(ports, start=index) for index in range(VOTE_CONCURRENCY)]
    answered: list[tuple[float, int]] = []  # (when answered, HTTP status)
    queue = list(enumerate(tokens))

    async def worker(client: Client) -> None:
        while queue:
            index, token = queue.pop()
            result = await client.request(
                "POST", f"/api/v1/registrations/{token}/votes", {"poll": poll_id, "choices": [index % 3]}
            )
            answered.append((perf(), result.status))

    started = perf()
    await asyncio.gather(*(worker(client) for client in clients))
    sent = perf()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(everything_in.wait(), SCREEN_TIMEOUT)
    watcher.cancel()
    if drains:  # the phones' trailing send comes at most PHONE_RESULTS_INTERVAL after the last vote
        await asyncio.wait(drains, timeout=SCREEN_TIMEOUT)
    for client in clients:
        client.close()
    for task in drains:
        task.cancel()
    for socket in [screen, *sockets]:
        await socket.close()

    accepted = sorted(moment for moment, status in answered if status == 200)
    delays = []
    for k, moment in enumerate(accepted, start=1):
        shown = next((arrival for arrival, votes in screen_seen if votes >= k and arrival >= moment), None)
        delays.append((shown - moment) if shown is not None else SCREEN_TIMEOUT)
    delays.sort()
    final_seen = next((arrival for arrival, votes in screen_seen if votes >= len(accepted)), None)
    return {
        "phone_sockets": len(sockets),
        "votes_sent": len(answered),
        "votes_accepted": len(accepted),
        "statuses": {
            str(status): count for status, count in Counter(status for _m, status in answered).items()
        },
        "send_s": round(sent - started, 2),
        "sent_within_10s": (sent - started) <= SEND_WITHIN,
        "screen_messages": len(screen_seen),
        "screen_last_votes": last_votes,
        "screen_delay_ms": latency_ms(delays) if delays else {},
        "screen_after_last_vote_ms": round((final_seen - accepted[-1]) * 1000, 1)
        if final_seen and accepted
        else None,
        "phones_with_every_vote": len(phone_final),
        "phones_all_after_last_vote_ms": round((max(phone_final) - accepted[-1]) * 1000, 1)
        if phone_final and accepted and len(phone_final) == len(sockets)
        else None,
        "memory_per_socket_kib": round((memory_after - memory_before) / len(sockets), 1) if sockets else None,
    }


def counted(poll_id: int) -> dict:
    from events.room.models import Poll, Vote

    votes = Vote.objects.filter(poll_id=poll_id)
    per_voter = votes.values("registration_id").distinct().count()
    return {
        "votes_in_database": votes.count(),
        "voters_in_database": per_voter,
        "poll_status": Poll.objects.get(pk=poll_id).status,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=VOTERS)
    args = parser.parse_args(argv)
    if not (postgres_available() and redis_available()):
        sys.exit("bench.poll needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (two processes).")
    with tempfile.TemporaryDirectory(prefix="dld-bench-poll-") as workdir:
        setup = Setup(database="postgres", processes=2, workdir=Path(workdir), redis_url=REDIS_URL)
        prepared = prepare_database(setup)
        setup_django(setup)
        report: dict = {"voters": args.voters, "processes": 2, "database": "postgres", **prepared}
        try:
            with daphnes(setup, setup.app, 2, "/api/v1/openapi.json") as servers:
                ports = [server.port for server in servers]
                pids = [server.pid for server in servers]
                # Baseline: the same burst with only the big screen listening.
                tokens, poll_id, code = voters_and_poll(args.voters)
                report["baseline_screen_only"] = asyncio.run(burst(ports, code, poll_id, tokens, False, pids))
                report["baseline_screen_only"].update(counted(poll_id))
                tokens, poll_id, code = second_poll(tokens, poll_id)
                report["with_phone_sockets"] = asyncio.run(burst(ports, code, poll_id, tokens, True, pids))
                report["with_phone_sockets"].update(counted(poll_id))
        finally:
            drop_database(setup)
    figures = report["with_phone_sockets"]
    figures["lost_votes"] = figures["votes_accepted"] - figures["votes_in_database"]
    figures["double_votes"] = figures["votes_in_database"] - figures["voters_in_database"]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "poll.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


def second_poll(tokens: list[str], previous: int) -> tuple[list[str], int, str]:
    """A new open poll in the same room for the measured run (the baseline's, closed, keeps its votes)."""
    from django.db import connections

    from events.models import Event, Workshop
    from events.room import services as room_services
    from events.room.models import Poll

    room_services.close_poll(Poll.objects.get(pk=previous))

    event = Event.objects.order_by("pk").first()
    workshop = Workshop.objects.filter(round__event=event).order_by("round__starts_at", "pk").first()
    poll = room_services.create_poll(workshop, question="En daarna?", kind="single", options=["A", "B", "C"])
    room_services.open_poll(poll)
    code = room_services.room_for(workshop).code
    connections.close_all()
    return tokens, poll.pk, code


if __name__ == "__main__":
    main()
