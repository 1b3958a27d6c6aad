"""`python -m bench.pretix`: pretix's check-in as the baseline for ours, side by side in one run.

pretix (the best-known open-source peer, #20) runs from its own virtualenv, outside the
repository: `~/.cache/dld-bench/pretix-<version>/` (`BENCH_PRETIX_VENV` to move it), made with
the system `python3 -m venv` and `pip install pretix==<version> gunicorn` the first time and
reused after. If that fails the document is `{"skipped": "<reason>"}` and the exit status 0:
`make bench` goes on.

pretix: SQLite in a temp dir (its `pretix.cfg`: no Redis, no celery, so its tasks run eagerly in
the request, as a small install without a task worker does), `migrate` (once per virtualenv: the
migrated empty database is kept beside it and copied: 100–210 s saved per run), then
`bench/pretix_setup.py` in pretix's own interpreter: an organizer, a live event, one admission
product, a check-in list of all products, 700 paid orders of one position each, and one
initialised device (API token, all events) per scanner, as pretixSCAN has after pairing. Served
by `gunicorn pretix.wsgi` with 2 sync workers, as pretix's installation guide deploys it (its
`--max-requests 1200 --max-requests-jitter 50` too). A few scans of extra tickets warm both
workers up, then 10 scanners (bench/client.py) send the 700 first scans to its check-in RPC
`POST /api/v1/organizers/<organizer>/checkinrpc/redeem/`
(`{"secret", "lists": [id], "type": "entry", "nonce"}`, `Authorization: Device <token>`), with
a budget per load phase (`--budget`, default 180 s, for ours too: on a busy machine pretix's
700 scans and our burst of 700 registrations take more than `make bench`'s 60 s). gunicorn's
sync workers close the connection after every answer, so each scan opens a new one: that is how
pretix runs (behind its proxy, which keeps the scanners' connections), and the handshake is
inside its latency here. Server CPU is that of gunicorn's
master and workers (bench.servers.Watch); `server_errors_database_is_locked` counts the 500s
that were SQLite's lock (two processes writing one file in its default rollback-journal mode).

Ours: `python -m bench --database sqlite --processes 1 --only checkin` in a child process, the
same as `make bench` measures it (fresh database, demo day, the 700 registrations of the burst,
one daphne, 10 scanners), so its figures are those of bench/checkin.py.

The document — both sides' figures, `ratio_ok_per_s` (ours over pretix's), the steadier
`summary.ratio_server_cpu_per_scan` (pretix's over ours), the targets and the machine's load
average — is printed and kept in bench/results/pretix.json.
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.checkin import SCANNERS
from bench.client import Result, run_load, summarise
from bench.common import keep_result
from bench.runner import load_average, log, pick
from bench.servers import RESULTS, ROOT, Watch, free_port, make_workdir, wait_until_serving

PRETIX_VERSION = "2026.8.0"
TICKETS = 700
WARM_UP_TICKETS = 20
WORKERS = 2
INSTALL_TIMEOUT = 1200
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dld-bench"
VENV = Path(os.environ.get("BENCH_PRETIX_VENV") or CACHE / f"pretix-{PRETIX_VERSION}")
INSTALLED = VENV / ".installed"  # written after pip succeeded: a half-made venv is made again
MIGRATED = VENV / "migrated.sqlite3"
SETUP_SCRIPT = Path(__file__).resolve().parent / "pretix_setup.py"
TARGETS = {
    "ratio_ok_per_s": ">= 10 (ours over pretix's, same run)",
    "ours_ok_per_s": ">= 10 × pretix's (about 500 on this machine)",
    "ours_p99_ms": "< 50",
    "ours_errors": 0,
}


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv() -> str | None:
    """pretix's virtualenv, made once; the reason when it cannot be had (None: ready)."""
    if INSTALLED.exists() and venv_python().exists():
        return None
    system_python = shutil.which("python3")
    if system_python is None:
        return "no python3 on PATH to make pretix's virtualenv with"
    log(f"pretix {PRETIX_VERSION}: making its virtualenv in {VENV} (once)")
    shutil.rmtree(VENV, ignore_errors=True)
    try:
        VENV.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"cannot make {VENV.parent}: {error}"
    install_log = VENV.parent / f"pretix-{PRETIX_VERSION}-install.log"
    steps = [
        [system_python, "-m", "venv", str(VENV)],
        [str(venv_python()), "-m", "pip", "install", "--quiet", f"pretix=={PRETIX_VERSION}", "gunicorn"],
    ]
    with install_log.open("w") as handle:
        for step in steps:
            try:
                completed = subprocess.run(
                    step, stdout=handle, stderr=subprocess.STDOUT, timeout=INSTALL_TIMEOUT, check=False
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                return f"{' '.join(step[:4])} failed: {error!r} (log: {install_log})"
            if completed.returncode:
                tail = " / ".join(install_log.read_text(errors="replace").strip().splitlines()[-3:])
                return (
                    f"{' '.join(step[:4])} exited {completed.returncode}: {tail[-500:]} (log: {install_log})"
                )
    INSTALLED.write_text(PRETIX_VERSION + "\n")
    return None


@dataclass
class Pretix:
    """One pretix instance on SQLite in `workdir`."""

    workdir: Path
    port: int

    @property
    def config(self) -> Path:
        return self.workdir / "pretix.cfg"

    @property
    def data(self) -> Path:
        return self.workdir / "data"

    def environment(self) -> dict[str, str]:
        # pretix reads PRETIX_<SECTION>_<KEY> over its config file: none from the caller's shell.
        env = {key: value for key, value in os.environ.items() if not key.startswith("PRETIX_")}
        for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV", "PYTHONPATH"):
            env.pop(key, None)
        env["DJANGO_SETTINGS_MODULE"] = "pretix.settings"
        env["PRETIX_CONFIG_FILE"] = str(self.config)
        return env

    def write_config(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)
        self.config.write_text(
            "[pretix]\n"
            "instance_name=dld-bench\n"
            f"url=http://127.0.0.1:{self.port}\n"
            f"datadir={self.data}\n"
            "currency=EUR\n"
            "ecb_rates=false\n"
            "\n[database]\nbackend=sqlite3\n"
            "\n[django]\ndebug=false\nsecret=dld-bench-pretix\n"
            "\n[mail]\nfrom=bench@localhost\n"
        )

    def run(self, *args: str, timeout: float = 600) -> str:
        completed = subprocess.run(
            [str(venv_python()), "-I", *args],  # -I: bench/ (its profile.py) stays off sys.path
            cwd=self.workdir,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if completed.returncode:
            raise RuntimeError(f"pretix {' '.join(args[:3])} failed:\n{completed.stderr[-3000:]}")
        return completed.stdout

    def migrate(self) -> dict:
        """A migrated empty database: copied from the one kept beside the virtualenv, or made."""
        started = time.perf_counter()
        database = self.data / "db.sqlite3"
        cached = MIGRATED.exists()
        if not cached:
            log("pretix: migrate (once per virtualenv, ~100 s)")
            self.run("-m", "pretix", "migrate", "--noinput", timeout=1800)
            shutil.copyfile(database, MIGRATED)
        else:
            shutil.copyfile(MIGRATED, database)
        return {"migrate_s": round(time.perf_counter() - started, 2), "migrated_database_reused": cached}

    def populate(self, tickets: int, scanners: int) -> tuple[dict, float]:
        output = self.workdir / "setup.json"
        started = time.perf_counter()
        self.run(str(SETUP_SCRIPT), str(output), str(tickets), str(scanners), str(WARM_UP_TICKETS))
        return json.loads(output.read_text()), round(time.perf_counter() - started, 2)


@dataclass
class Process:
    """What Watch needs of a server: its pid (gunicorn's master and each worker)."""

    pid: int


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@contextlib.contextmanager
def gunicorn(pretix: Pretix) -> Iterator[subprocess.Popen]:
    log_file = pretix.workdir / "gunicorn.log"
    command = [str(VENV / "bin" / "gunicorn"), "pretix.wsgi", "--name", "pretix", "--workers", str(WORKERS)]
    command += ["--max-requests", "1200", "--max-requests-jitter", "50", "--log-level", "warning"]
    command += ["--no-control-socket", "--bind", f"127.0.0.1:{pretix.port}"]
    with log_file.open("w") as handle:
        process = subprocess.Popen(
            command, cwd=pretix.workdir, env=pretix.environment(), stdout=handle, stderr=subprocess.STDOUT
        )
    try:
        wait_until_serving(f"http://127.0.0.1:{pretix.port}", process, log_file, path="/api/v1/", timeout=120)
        deadline = time.monotonic() + 30
        while len(children(process.pid)) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def locked_errors(server_log: str) -> int:
    """The 500s whose traceback in pretix's log ends in SQLite's lock. pretix writes every record
    twice to the console here (two handlers): the same record text counts once."""
    records = set(re.split(r"\n(?=(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d{4}-)", server_log))
    return sum(
        record.startswith("ERROR ") and "OperationalError: database is locked" in record for record in records
    )


def answers(results: list[Result]) -> dict[str, int]:
    """pretix answers a refused scan with a 4xx and a JSON body: its `status` (and `reason`)."""
    counts: Counter[str] = Counter()
    for result in results:
        try:
            body = json.loads(result.body)
            key = str(body.get("status"))
            if body.get("reason"):
                key += ":" + str(body["reason"])
        except (ValueError, AttributeError):
            key = "unparsable"
        counts[
            key if isinstance(result.status, int) and result.status < 500 else f"http_{result.status}"
        ] += 1
    return dict(sorted(counts.items()))


def scan(port: int, setup: dict, secrets: list[str], clients: int, budget: float | None):
    path = f"/api/v1/organizers/{setup['organizer']}/checkinrpc/redeem/"
    headers = [{"Authorization": f"Device {token}"} for token in setup["tokens"]]
    lists = [setup["list_id"]]

    def request_for(secret, client):
        body = {"secret": secret, "lists": lists, "type": "entry", "nonce": uuid.uuid4().hex}
        return "POST", path, body, headers[client % len(headers)]

    return asyncio.run(run_load([port], clients, secrets, request_for, keep_body=True, budget=budget))


def first_pass(port: int, pids: list[int], setup: dict, clients: int, budget: float | None) -> dict:
    with Watch([Process(pid) for pid in pids], "pretix-checkin", profile=False) as watch:
        load = scan(port, setup, setup["secrets"], clients, budget)
    counted = answers(load.results)
    figures = summarise(load)
    figures["http_statuses"] = dict(sorted(Counter(str(r.status) for r in load.results).items()))
    return {
        **figures,
        **watch.figures(len(load.results)),
        "answers": counted,
        "ok_per_s": round(counted.get("ok", 0) / load.wall, 1) if load.wall else None,
    }


def measure_pretix(budget: float | None, scanners: int = SCANNERS) -> dict:
    workdir = make_workdir()
    pretix = Pretix(workdir, free_port())
    report: dict = {"version": PRETIX_VERSION, "load_average_before": load_average()}
    try:
        pretix.write_config()
        report["setup"] = pretix.migrate()
        log(f"pretix: {TICKETS} paid orders, {scanners} devices")
        setup, report["setup"]["populate_s"] = pretix.populate(TICKETS, scanners)
        with gunicorn(pretix) as master:
            workers = children(master.pid)
            pids = [master.pid, *workers]
            log(f"pretix: gunicorn with {len(workers)} workers on port {pretix.port}; warm-up")
            warm = scan(pretix.port, setup, setup["warm_up_secrets"], scanners, budget)
            report["warm_up"] = {"scans": len(warm.results), "answers": answers(warm.results)}
            log(f"pretix: {TICKETS} first scans")
            first = first_pass(pretix.port, pids, setup, scanners, budget)
            restarted = sorted(set(workers) - set(children(master.pid)))
        report.update(
            {
                "what": f"{TICKETS} POST /api/v1/organizers/<o>/checkinrpc/redeem/ (one list, entry, "
                f"unique nonce), {scanners} devices, each scanner its own client; gunicorn sync "
                "workers close every connection, so each scan opens a new one",
                "server": f"gunicorn pretix.wsgi, {WORKERS} sync workers, SQLite, no celery (eager tasks)",
                "scanners": scanners,
                "tickets": TICKETS,
                "first_pass": first,
                "ok_per_s": first["ok_per_s"],
                "workers_restarted_during_the_run": restarted,
            }
        )
        RESULTS.mkdir(exist_ok=True)
        shutil.copyfile(workdir / "gunicorn.log", RESULTS / "pretix-gunicorn.log")  # for a look after
        server_log = (workdir / "gunicorn.log").read_text(errors="replace").strip()
        report["server_errors_database_is_locked"] = locked_errors(server_log)
        if server_log:
            report["server_log_tail"] = server_log[-1500:]
    except Exception as error:  # a figure too: ours still runs
        log(f"pretix failed: {error!r}")
        report["failed"] = repr(error)[-3000:]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report["load_average_after"] = load_average()
    return report


def measure_ours(budget: float | None) -> dict:
    """bench/checkin.py on SQLite with one daphne, in a child process as `python -m bench` runs it."""
    from bench.__main__ import arguments, run_in_child

    args = arguments(
        ["--database", "sqlite", "--processes", "1", "--only", "checkin", "--budget", str(budget or 0)]
    )
    run = run_in_child("sqlite", 1, args)
    checkin = run.get("scenarios", {}).get("checkin", {})
    first = checkin.get("first_pass", {})
    return {
        "what": checkin.get("what"),
        "server": "one daphne, SQLite (WAL), as `make bench` runs it",
        "load_average_before": run.get("load_average_before"),
        "badges": checkin.get("badges"),
        "first_pass": first,
        "second_pass": checkin.get("second_pass"),
        "ok_per_s": checkin.get("ok_per_s"),
        "database_check": checkin.get("database_check"),
        "registration_burst_per_s": run.get("scenarios", {}).get("registration_burst", {}).get("rate_per_s"),
        **({"failed": run["failed"]} if "failed" in run else {}),
        **({"checkin_failed": checkin["failed"]} if "failed" in checkin else {}),
        "load_average_after": run.get("load_average_after"),
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return round(numerator / denominator, 2) if numerator and denominator else None


def commit() -> str:
    completed = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return completed.stdout.strip()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pretix", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--budget",
        type=float,
        default=180.0,
        help="seconds per load phase, pretix's and ours (0 = no limit; default 180: on a busy machine "
        "both pretix's 700 scans and our 700 registrations before the scans need more than 60)",
    )
    args = parser.parse_args(argv)
    budget = args.budget or None
    started = time.perf_counter()
    skipped = ensure_venv()
    if skipped:
        keep_result("pretix.json", {"skipped": skipped})
        return
    document: dict = {
        "bench": "pretix check-in baseline",
        "commit": commit(),
        "load_average_before": load_average(),
    }
    document["pretix"] = measure_pretix(budget)
    log("ours: python -m bench --database sqlite --only checkin")
    document["ours"] = measure_ours(budget)
    theirs, ours = document["pretix"].get("ok_per_s"), document["ours"].get("ok_per_s")
    document["ratio_ok_per_s"] = ratio(ours, theirs)
    document["targets"] = TARGETS
    theirs_first = document["pretix"].get("first_pass", {})
    ours_first = document["ours"].get("first_pass") or {}
    document["summary"] = {
        "pretix_ok_per_s": theirs,
        "pretix_scans · errors": [theirs_first.get("count"), theirs_first.get("errors")],
        "pretix_p50_p99_ms": [
            pick(theirs_first, "latency_ms", "p50"),
            pick(theirs_first, "latency_ms", "p99"),
        ],
        "pretix_server_cpu_ms_per_request": theirs_first.get("server_cpu_ms_per_request"),
        "ours_ok_per_s": ours,
        "ours_scans · errors": [ours_first.get("count"), ours_first.get("errors")],
        "ours_p50_p99_ms": [pick(ours_first, "latency_ms", "p50"), pick(ours_first, "latency_ms", "p99")],
        "ours_server_cpu_ms_per_request": ours_first.get("server_cpu_ms_per_request"),
        "ratio_ok_per_s": document["ratio_ok_per_s"],
        # CPU per scan depends less on what else shares the cores than the rates do.
        "ratio_server_cpu_per_scan": ratio(
            theirs_first.get("server_cpu_ms_per_request"), ours_first.get("server_cpu_ms_per_request")
        ),
    }
    document["load_average_after"] = load_average()
    document["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    document["total_s"] = round(time.perf_counter() - started, 1)
    keep_result("pretix.json", document)
    log(f"done in {document['total_s']} s: ratio {document['ratio_ok_per_s']}")


if __name__ == "__main__":
    sys.exit(main())
