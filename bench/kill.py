"""`python -m bench.kill`: the burst-with-kill figures (tests/events/test_kill_during_burst.py).

Twenty clients register against a real daphne process, which is killed with SIGKILL half way; the
test checks the database against every answer the clients got and a new process serves on. This
runs that test (PostgreSQL when 127.0.0.1:5432 answers, else SQLite), prints its summary as JSON
— requests sent, 201s, connection errors at the kill, registrations committed without an answer,
rows checked, outbox state — and keeps it in bench/results/kill.json. Exits non-zero on failure.
"""

import json
import os
import subprocess
import sys
import time

from bench.common import keep_result
from bench.servers import PG_HOST, PG_PORT, PG_USER, ROOT, postgres_available

MARK = "KILL_DURING_BURST "


def main() -> int:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    if postgres_available():
        env["DATABASE_URL"] = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/test"
    started = time.perf_counter()
    command = [sys.executable, "-m", "pytest", "tests/events/test_kill_during_burst.py", "-q", "-s"]
    completed = subprocess.run(
        [*command, "-p", "no:cacheprovider"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith(MARK)]
    document = {
        "scenario": "kill_during_burst",
        **(json.loads(lines[-1][len(MARK) :]) if lines else {}),
        "test_passed": completed.returncode == 0,
        "wall_s": round(time.perf_counter() - started, 1),
    }
    if completed.returncode != 0:
        document["pytest_output_tail"] = completed.stdout[-3000:]
    keep_result("kill.json", document)
    return 0 if completed.returncode == 0 and lines else 1


if __name__ == "__main__":
    sys.exit(main())
