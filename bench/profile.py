"""Summarise `py-spy record -f raw` output: where the server's samples went.

    .venv/bin/python -m bench.profile bench/results/profile-postgres-p1-checkin-0.txt [--top 25]

Samples of threads that only wait (a condition, the thread pool's queue, the selector) are left
out. Prints, as JSON: busy samples, samples per thread kind (the sync worker thread that runs Django
views vs the event loop thread), the top functions by inclusive share (a function counted once per
sample however deep it recurs) and by own share (the leaf frame), and a few buckets that answer
"where does the time go" (waiting for the database server, database driver, connecting, templates, QR, e-mail, channel layer, …).
"""

import argparse
import json
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")

# A sample whose innermost frame is one of these is a thread waiting for work, not working.
IDLE_LEAVES = (
    "Condition.wait (threading.py)",
    "_worker (concurrent/futures/thread.py)",
    "EpollSelector.select (selectors.py)",
    "Thread._wait_for_tstate_lock (threading.py)",
)

# bucket → substrings of "function (file)"; the first matching bucket of a sample's stack counts.
BUCKETS = {
    "db_wait_for_server": ["Connection.wait (psycopg/connection.py"],
    "db_connect": ["connect (psycopg/connection.py", "get_new_connection", "ensure_connection"],
    "db_execute": ["psycopg/cursor.py", "sqlite3/base.py:", "execute (django/db/backends"],
    "email_render_send": ["events/outbox.py", "events/emails.py"],
    "qr_render": ["qrcode/", "events/badges.py"],
    "templates": ["django/template/"],
    "channel_layer_publish": ["events/live.py", "channels/layers.py", "channels_redis/"],
    "announce_messages": ["events/schemas.py", "checkin/schemas.py"],
    "orm_build_sql": ["django/db/models/sql/compiler.py", "django/db/models/query.py"],
    "ninja_pydantic": ["ninja/", "pydantic"],
    "forms": ["django/forms/"],
    "middleware_handlers": ["django/core/handlers/", "django/middleware/", "django/utils/deprecation.py"],
    "asgiref_thread_hop": ["asgiref/"],
    "twisted_daphne": ["twisted/", "daphne/", "autobahn/"],
}


def parse(path: Path):
    for line in path.read_text(errors="replace").splitlines():
        stack, _space, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        yield stack.split(";"), int(count)


def short(frame: str) -> str:
    match = FRAME.match(frame)
    if not match:
        return frame
    return f"{match['function']} ({match['file']})"


def summarise(path: Path, top: int = 25) -> dict:
    total = 0
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    buckets: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    idle = 0
    for frames, count in parse(path):
        names = [short(frame) for frame in frames]
        if names[-1] in IDLE_LEAVES:
            idle += count
            continue
        total += count
        threads[
            "sync worker (Django views)" if any("SyncToAsync" in n for n in names) else "event loop / other"
        ] += count
        for name in set(names):
            inclusive[name] += count
        own[names[-1]] += count
        for bucket, needles in BUCKETS.items():
            if any(needle in name for name in names for needle in needles):
                buckets[bucket] += count
                break
        else:
            buckets["other"] += count

    def share(counter: Counter[str]) -> dict[str, float]:
        return {name: round(100 * n / total, 1) for name, n in counter.most_common(top)}

    return {
        "file": str(path),
        "samples_busy": total,
        "samples_idle (threads waiting, left out below)": idle,
        "threads_percent": share(threads),
        "buckets_percent (first match from the top of the list)": share(buckets),
        "inclusive_percent": share(inclusive),
        "own_percent": share(own),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(json.dumps([summarise(path, args.top) for path in args.files], indent=2))


if __name__ == "__main__":
    main()
