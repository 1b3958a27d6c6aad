"""The registration rush, A/B in one run: `python -m bench.rush [--variants a,b,…] [--database …]`.

Each variant gets a fresh database (migrate, seed_demo), one daphne (and, for `worker`, a
`manage.py send_outbox --loop` process beside it), the warm-up, the registration burst as `make
bench` runs it (700 registrations, 50 clients, the confirmations drained from the outbox) and the
last-seats race. Variants (`VARIANTS`): the code of a baseline commit (`--baseline`, default
`main`, served from a `git archive` of it) or of this tree, with the delivery each names;
`NAME@COMMIT` serves that commit's code instead (one change at a time, A/B in one run; the commits
must share the database schema). Kept in bench/results/rush-<database>.json. Figures, no verdicts.
"""

import argparse
import contextlib
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.baseline import warm_up
from bench.common import Run, close_db, keep_result
from bench.race import last_seats_race
from bench.registration import registration_burst
from bench.runner import guarded, load_average, log
from bench.servers import (
    ROOT,
    Setup,
    create_database,
    daphnes,
    drop_database,
    manage,
    postgres_available,
    setup_django,
)

PROBE = "/api/v1/municipalities?q=GM0307"

# name: (source, server environment, a send_outbox worker beside daphne)
VARIANTS: dict[str, tuple[str, dict[str, str], bool]] = {
    "baseline-inline": ("baseline", {"EMAIL_DELIVERY": "inline"}, False),
    "baseline-thread": ("baseline", {"EMAIL_DELIVERY": "thread"}, False),
    "thread-no-yield": ("tree", {"EMAIL_DELIVERY": "thread", "OUTBOX_SENDER_YIELD_SECONDS": "0"}, False),
    "thread": ("tree", {"EMAIL_DELIVERY": "thread"}, False),
    "worker": ("tree", {"EMAIL_DELIVERY": "worker"}, True),
}
DEFAULT = "baseline-thread,thread,worker"


def baseline_tree(commit: str, workdir: Path) -> tuple[Path, str]:
    """The files of `commit` (a `git archive`), and its short hash."""
    target = workdir / f"tree-{commit}"
    if target.exists():
        return target, commit
    target.mkdir()
    archive = workdir / "baseline.tar"
    subprocess.run(["git", "archive", "-o", str(archive), commit], cwd=ROOT, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    short = subprocess.run(
        ["git", "rev-parse", "--short", commit], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    return target, short


def fresh_database(setup: Setup) -> None:
    close_db()
    if setup.database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{setup.workdir / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
    create_database(setup)
    manage(setup, "migrate", "--noinput", "-v", "0")
    manage(setup, "seed_demo")


@contextlib.contextmanager
def worker(setup: Setup, wanted: bool):
    """`manage.py send_outbox --loop` of this tree, as a several-process deployment runs it."""
    if not wanted:
        yield None
        return
    with (setup.workdir / "send_outbox.log").open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "send_outbox", "--loop"],
            cwd=ROOT,
            env=setup.environment(),
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def variant(setup: Setup, spec: str, source: Path, commit: str) -> dict:
    _source, env, wants_worker = VARIANTS[spec.partition("@")[0]]
    setup.extra_env = env
    setup.root = source
    figures: dict = {
        "variant": spec,
        "code": commit,
        "server_env": env,
        "send_outbox_worker": wants_worker,
        "load_average_before": load_average(),
    }
    fresh_database(setup)
    with daphnes(setup, setup.app, 1, PROBE) as servers, worker(setup, wants_worker) as sender:
        run = Run(setup, servers, budget=120)
        warm_up(run)
        time.sleep(2)  # the warm-up's confirmations
        extra = (sender.pid,) if sender is not None else ()
        figures["registration_burst"] = guarded(lambda: registration_burst(run, extra))
        figures["load_average_1min_after_burst"] = load_average()[0]
        figures["last_seats_race"] = guarded(lambda: last_seats_race(run))
    figures["load_average_after"] = load_average()
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.rush", description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="", help="sqlite or postgres (default: postgres if it answers)")
    parser.add_argument("--variants", default=DEFAULT, help=f"out of {', '.join(VARIANTS)} ({DEFAULT})")
    parser.add_argument("--baseline", default="main", help="the commit of the baseline variants (main)")
    args = parser.parse_args(argv)
    database = args.database or ("postgres" if postgres_available() else "sqlite")
    names = [name.strip() for name in args.variants.split(",") if name.strip()]
    for name in names:
        if name.partition("@")[0] not in VARIANTS:
            parser.error(f"unknown variant {name!r}")
    with tempfile.TemporaryDirectory(prefix="dld-bench-rush-") as workdir:
        setup = Setup(database=database, processes=1, workdir=Path(workdir))
        create_database(setup)
        setup_django(setup)
        tree = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        baseline, baseline_commit = baseline_tree(args.baseline, Path(workdir))
        report: dict = {
            "bench": "rush",
            "database": database,
            "tree_commit": tree,
            "baseline_commit": baseline_commit,
            "cpu_count": os.cpu_count(),
            "variants": [],
        }
        try:
            for name in names:
                log(f"rush: {database}, {name}")
                kind, _at, commit = name.partition("@")
                if commit:
                    source, commit = baseline_tree(commit, Path(workdir))
                elif VARIANTS[kind][0] == "baseline":
                    source, commit = baseline, baseline_commit
                else:
                    source, commit = ROOT, f"{tree} (working tree)"
                report["variants"].append(
                    guarded(
                        lambda name=name, source=source, commit=commit: variant(setup, name, source, commit)
                    )
                )
        finally:
            close_db()
            drop_database(setup)
    report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    keep_result(f"rush-{database}.json", report)


if __name__ == "__main__":
    main()
