"""What an idle live socket costs: `python -m bench.sockets`.

One daphne process (SQLite with the in-memory channel layer; and the day's layout, PostgreSQL
with Redis's layer, when 127.0.0.1:5432 and :6379 answer), 20 sockets opened to warm it up, then 1,000 `/ws/programme/` sockets opened, each
having had its snapshot, and held: resident memory (RSS) before and after, per socket. The
baseline in the same run is the same process layout serving `bench.asgi_credentials_everywhere`,
where every socket also passes the session, user and bearer-token middleware (as all did before
the public sockets skipped it). Target (#20): under 50 KB (48.8 KiB) per idle programme socket.

Kept in bench/results/sockets.json.
"""

import argparse
import asyncio
import tempfile
from dataclasses import replace
from functools import partial
from pathlib import Path

from websockets.asyncio.client import connect

from bench.common import close_sockets, keep_result
from bench.runner import guarded, load_average
from bench.servers import (
    REDIS_URL,
    Setup,
    daphnes,
    drop_database,
    postgres_available,
    prepare_database,
    redis_available,
    resident_kib,
)

SOCKETS = 1000
WARM_UP = 20
CONNECT_CONCURRENCY = 20  # daphne drops a handshake not accepted within 5 s
PROBE = "/api/v1/municipalities?q=GM0307"
SHIPPED = "config.asgi:application"
BASELINE = "bench.asgi_credentials_everywhere:application"
TARGET_KIB = round(50_000 / 1024, 1)


async def hold(port: int, pid: int, count: int, path: str) -> dict:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def open_one():
        async with gate:
            socket = await connect(f"ws://127.0.0.1:{port}{path}", proxy=None, max_size=None, open_timeout=60)
            await socket.recv()  # its snapshot: the consumer has joined its groups
            return socket

    warm = [await open_one() for _ in range(WARM_UP)]
    await asyncio.sleep(1.0)
    before = resident_kib(pid)
    held = await asyncio.gather(*(open_one() for _ in range(count)), return_exceptions=True)
    opened = [socket for socket in held if not isinstance(socket, BaseException)]
    await asyncio.sleep(2.0)  # let the process settle (buffers freed, tasks parked)
    after = resident_kib(pid)
    await close_sockets([], opened + warm)
    return {
        "sockets": len(opened),
        "failed_to_open": count - len(opened),
        "rss_kib_before": before,
        "rss_kib_after": after,
        "kib_per_socket": round((after - before) / len(opened), 1) if opened else None,
    }


def measure(setup: Setup, app: str, redis_url: str, count: int) -> dict:
    served = replace(setup, redis_url=redis_url, app=app)
    with daphnes(served, app, 1, PROBE, timeout=180) as servers:
        return asyncio.run(hold(servers[0].port, servers[0].pid, count, "/ws/programme/"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=SOCKETS)
    args = parser.parse_args(argv)
    report: dict = {
        "what": f"{args.sockets} idle /ws/programme/ sockets held by one daphne process, RSS before and after",
        "target_kib_per_socket": TARGET_KIB,
        "load_average_before": load_average(),
    }
    layouts = [("sqlite_in_memory_layer", "sqlite", "")]
    if postgres_available() and redis_available():
        layouts.append(("postgres_redis_layer", "postgres", REDIS_URL))  # the day's layout
    for name, database, redis_url in layouts:
        with tempfile.TemporaryDirectory(prefix="dld-bench-sockets-") as workdir:
            setup = Setup(database=database, processes=1, workdir=Path(workdir))
            figures: dict = prepare_database(setup)
            try:
                for variant, app in (("baseline_credentials_everywhere", BASELINE), ("shipped", SHIPPED)):
                    figures[variant] = guarded(partial(measure, setup, app, redis_url, args.sockets))
            finally:
                drop_database(setup)
            report[name] = figures
    report["load_average_after"] = load_average()
    keep_result("sockets.json", report)


if __name__ == "__main__":
    main()
