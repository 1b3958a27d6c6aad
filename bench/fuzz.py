"""`python -m bench.fuzz`: the API fuzz test (tests/test_api_fuzz.py) with more examples, as figures.

Runs the same schemathesis loop against the in-process app (no daphne) on a fresh test database,
prints one JSON document — operations, examples tried, failures, answers per status class, wall
time — and keeps it in bench/results/fuzz.json. Exits non-zero when the fuzzer found a failure.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.common import keep_result
from bench.servers import ROOT


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__)
    parser.add_argument(
        "--examples",
        type=int,
        default=100,
        help="examples per operation, generation mode (valid/invalid) and credential (default 100; "
        "the test suite uses 25)",
    )
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgres"],
        default="sqlite",
        help="sqlite (default), or postgres: DATABASE_URL from the environment",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    env = {**os.environ, "FUZZ_EXAMPLES": str(args.examples)}
    if args.database == "sqlite":
        env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as handle:
        report = Path(handle.name)
    env["FUZZ_REPORT"] = str(report)
    started = time.perf_counter()
    command = [sys.executable, "-m", "pytest", "tests/test_api_fuzz.py", "-q", "-p", "no:cacheprovider"]
    completed = subprocess.run(command, cwd=ROOT, env=env, stdout=sys.stderr, check=False)
    try:
        runs = [json.loads(line) for line in report.read_text().splitlines() if line.strip()]
    finally:
        report.unlink(missing_ok=True)
    statuses: Counter = Counter()
    for run in runs:
        statuses.update(run.get("statuses", {}))
    document = {
        "scenario": "api_fuzz",
        "database": args.database,
        "examples_per_operation": args.examples,
        "operations": max((run["operations"] for run in runs), default=0),
        "operation_runs": sum(run["operations"] for run in runs),
        "examples": sum(run["examples"] for run in runs),
        "failures": sum(run["failures"] for run in runs),
        "statuses": dict(sorted(statuses.items())),
        "by_credential": runs,
        "pytest_exit_status": completed.returncode,
        "wall_s": round(time.perf_counter() - started, 1),
    }
    keep_result("fuzz.json", document)
    return 0 if completed.returncode == 0 and runs else 1


if __name__ == "__main__":
    sys.exit(main())
