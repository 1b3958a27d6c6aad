"""`python -m bench`: run the scenarios, print one JSON document, keep it in bench/results/latest.json."""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bench.runner import ALL, log, run_one
from bench.servers import RESULTS, ROOT, postgres_available


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--database",
        default="",
        help="sqlite, postgres, or both comma-separated (default: postgres if 127.0.0.1:5432 answers, "
        "else sqlite)",
    )
    parser.add_argument(
        "--processes", default="1", help="daphne processes, e.g. 1 or 1,2 (one run per number; default 1)"
    )
    parser.add_argument("--only", default="", help=f"comma-separated scenarios out of: {', '.join(ALL)}")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="py-spy record every daphne during each scenario (bench/results/)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (logs, SQLite file)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="seconds per load phase: no new request starts after that (keeps a slow run bounded; "
        "0 = no limit; default 60)",
    )
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for the servers (and the bench's ORM), for what-if runs, e.g. "
        "EMAIL_DELIVERY=worker; repeatable",
    )
    parser.add_argument(
        "--asgi-app",
        default="config.asgi:application",
        help="what daphne serves (default config.asgi:application)",
    )
    parser.add_argument("--child-output", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.databases = [d.strip() for d in args.database.split(",") if d.strip()] or [
        "postgres" if postgres_available() else "sqlite"
    ]
    for database in args.databases:
        if database not in {"sqlite", "postgres"}:
            parser.error(f"unknown database {database!r}")
    args.process_counts = [int(n) for n in args.processes.split(",") if n.strip()]
    args.server_env_dict = {}
    for pair in args.server_env:
        key, equals, value = pair.partition("=")
        if not equals or not key:
            parser.error(f"--server-env wants KEY=VALUE, not {pair!r}")
        args.server_env_dict[key] = value
    args.only_list = [name.strip() for name in args.only.split(",") if name.strip()] or None
    for name in args.only_list or []:
        if name not in ALL:
            parser.error(f"unknown scenario {name!r} (choose from {', '.join(ALL)})")
    return args


def application_version() -> dict:
    """The commit measured, and whether the working tree differed from it (others edit live)."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False
            ).stdout.rstrip()  # not the porcelain's leading status column
        except OSError:
            return ""

    changed = [
        line[3:] for line in git("status", "--porcelain").splitlines() if not line[3:].startswith("bench/")
    ]
    return {
        "commit": git("rev-parse", "--short", "HEAD").strip(),
        "subject": git("log", "-1", "--format=%s").strip(),
        "uncommitted_changes_outside_bench": changed,
    }


def machine() -> dict:
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "django": version("django"),
        "django_ninja": version("django-ninja"),
        "channels": version("channels"),
        "daphne": version("daphne"),
        "twisted": version("twisted"),
    }


def options(args: argparse.Namespace) -> dict:
    return {
        "only": args.only_list,
        "profile": args.profile,
        "keep": args.keep,
        "budget": args.budget or None,
        "server_env": args.server_env_dict,
        "app": args.asgi_app,
    }


def run_in_child(database: str, processes: int, args: argparse.Namespace) -> dict:
    """Each run in its own process: Django's settings (the database) are fixed once per process."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        output = Path(handle.name)
    command = [sys.executable, "-m", "bench", "--database", database, "--processes", str(processes)]
    command += ["--child-output", str(output)]
    if args.only:
        command += ["--only", args.only]
    if args.profile:
        command.append("--profile")
    if args.keep:
        command.append("--keep")
    command += ["--budget", str(args.budget), "--asgi-app", args.asgi_app]
    for pair in args.server_env:
        command += ["--server-env", pair]
    completed = subprocess.run(command, cwd=ROOT)
    try:
        return json.loads(output.read_text())
    except (OSError, ValueError):
        return {"database": database, "processes": processes, "failed": f"exit status {completed.returncode}"}
    finally:
        output.unlink(missing_ok=True)


def pretix_baseline() -> dict | None:
    """The last `python -m bench.pretix` (bench/results/pretix.json), when there is one: pretix's
    check-in rate next to ours, measured in that run (`make bench` runs it just before this)."""
    try:
        kept = json.loads((RESULTS / "pretix.json").read_text())
    except (OSError, ValueError):
        return None
    if "skipped" in kept:
        return {"skipped": kept["skipped"]}
    return {"finished_at": kept.get("finished_at"), **kept.get("summary", {})}


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    if args.child_output:
        report = run_one(args.databases[0], args.process_counts[0], **options(args))
        Path(args.child_output).write_text(json.dumps(report, default=str))
        return
    started = time.perf_counter()
    application = application_version()
    combinations = [(db, n) for db in args.databases for n in args.process_counts]
    runs = []
    for database, processes in combinations:
        if len(combinations) == 1:
            runs.append(run_one(database, processes, **options(args)))
        else:
            runs.append(run_in_child(database, processes, args))
    document = {
        "bench": "dld-event",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "application": application,
        **(
            {"application_changed_during_the_run": application_version()}
            if application_version() != application
            else {}
        ),
        "client": "asyncio streams, HTTP/1.1 keep-alive, one connection per simulated client and "
        "process, on the same machine as the servers (it shares the cores)",
        "runs": runs,
        "summary": {f"{run['database']} x{run['processes']}": run.get("summary") for run in runs},
        **({"pretix_checkin_baseline": baseline} if (baseline := pretix_baseline()) else {}),
        "total_s": round(time.perf_counter() - started, 1),
    }
    text = json.dumps(document, indent=2, default=str)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(text + "\n")
    print(text)
    log(f"done in {document['total_s']} s; written to {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
