"""One run: one database engine, one number of daphne processes, every selected scenario."""

import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable

from bench.baseline import baseline_django, baseline_hello, warm_up
from bench.checkin import checkin
from bench.common import Run, close_db, keep_result
from bench.dashboard import dashboard_latency
from bench.programme import programme
from bench.queries import query_counts
from bench.race import last_seats_race, same_badge_race
from bench.registration import registration_burst
from bench.servers import (
    REDIS_URL,
    Setup,
    daphnes,
    drop_database,
    make_workdir,
    prepare_database,
    redis_available,
    server_log_tail,
    setup_django,
)

# In the order they run: later ones use the attendees of the burst.
SCENARIOS: dict[str, Callable[[Run], dict]] = {
    "baseline_django": baseline_django,
    "registration_burst": registration_burst,
    "checkin": checkin,
    "same_badge_race": same_badge_race,
    "query_counts": query_counts,
    "last_seats_race": last_seats_race,
    "dashboard_latency": dashboard_latency,
    "programme": programme,
}
ALL = ["baseline_hello", *SCENARIOS]
NEEDS_BURST = {"checkin", "dashboard_latency"}
PROBE = "/api/v1/municipalities?q=GM0307"


STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[bench +{time.perf_counter() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)


def load_average() -> list[float]:
    """Other work on the machine skews every figure: the 1/5/15-minute load averages."""
    return [round(value, 2) for value in os.getloadavg()]


def standalone(setup: Setup, filename: str, scenarios: Callable[[], dict]) -> None:
    """A bench module's own run (bench.messages, bench.push): a fresh database migrated and seeded,
    `scenarios()` (figures by name) with this process's ORM on it, the database dropped after; the
    document, with the machine's load before and after, kept in bench/results/`filename`."""
    report: dict = {"database": setup.database, "load_average_before": load_average()}
    report.update(prepare_database(setup))
    setup_django(setup)
    try:
        report.update(scenarios())
    finally:
        close_db()
        drop_database(setup)
    report["load_average_after"] = load_average()
    keep_result(filename, report)


def selection(only: list[str] | None) -> tuple[list[str], set[str]]:
    """The scenarios to run (in order), and those only run because others need them."""
    chosen = set(only or ALL)
    extra = {"registration_burst"} if chosen & NEEDS_BURST and "registration_burst" not in chosen else set()
    return [name for name in ALL if name in chosen | extra], extra


def run_one(
    database: str,
    processes: int,
    only: list[str] | None,
    profile: bool = False,
    keep: bool = False,
    budget: float | None = None,
    server_env: dict[str, str] | None = None,
    app: str = "config.asgi:application",
) -> dict:
    started = time.perf_counter()
    setup = Setup(
        database=database, processes=processes, workdir=make_workdir(), extra_env=server_env or {}, app=app
    )
    notes = []
    if processes > 1:
        if redis_available():
            setup.redis_url = REDIS_URL
        else:
            notes.append("Redis does not answer: the processes do not share a channel layer")
    if processes > 1:
        notes.append(
            f"{processes} daphne processes on their own ports; the load client spreads requests over "
            "them round-robin (a stand-in for a proxy in front of them)"
        )
    names, prerequisites = selection(only)
    report: dict = {
        "database": database,
        "processes": processes,
        "channel_layer": "channels_redis.core.RedisChannelLayer"
        if setup.redis_url
        else "channels.layers.InMemoryChannelLayer",
        "notes": notes,
        "load_average_before": load_average(),
        "asgi_app": setup.app,
        "server_env_overrides": setup.extra_env,
        "budget_per_load_phase_s": budget,
    }
    try:
        log(f"{database}, {processes} process(es): fresh database, migrate, seed_demo")
        report["setup"] = prepare_database(setup)
        setup_django(setup)
        report["database_server"] = database_server()
        scenarios: dict[str, dict] = {}
        if "baseline_hello" in names:
            log("baseline_hello")
            scenarios["baseline_hello"] = guarded(lambda: baseline_hello(setup, profile))
        with daphnes(setup, setup.app, processes, PROBE) as servers:
            run = Run(setup, servers, profile, notes, budget)
            warm_up(run)
            for name in names:
                if name == "baseline_hello":
                    continue
                log(name)
                began = time.perf_counter()
                scenarios[name] = guarded(lambda name=name: SCENARIOS[name](run))
                scenarios[name]["scenario_s"] = round(time.perf_counter() - began, 1)
                scenarios[name]["load_average_1min_after"] = load_average()[0]
                if name in prerequisites:
                    scenarios[name]["prerequisite_only"] = True
            tails = server_log_tail(servers)
        if tails:
            report["server_log_tail"] = tails
        report["scenarios"] = scenarios
        report["summary"] = summary(scenarios)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            shutil.rmtree(setup.workdir, ignore_errors=True)
        else:
            report["workdir"] = str(setup.workdir)
    report["load_average_after"] = load_average()
    report["run_s"] = round(time.perf_counter() - started, 1)
    return report


def guarded(function: Callable[[], dict]) -> dict:
    """A failing scenario becomes a figure too (its traceback), the others still run."""
    try:
        return function()
    except Exception as error:
        log(f"scenario failed: {error!r}")
        return {"failed": repr(error), "traceback": traceback.format_exc()[-3000:]}


def database_server() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]} (WAL)"
    connection.close()
    return version


def pick(data: dict, *path, default=None):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return default
        data = data[key]
    return data


def summary(s: dict) -> dict:
    """The headline figures next to their targets (DESIGN.md §5). Figures, not verdicts."""
    hello_rate = pick(s, "baseline_hello", "rate_per_s")
    ok_rate = pick(s, "checkin", "ok_per_s")
    first = pick(s, "checkin", "first_pass", default={})
    server_errors = sum(
        count
        for scenario in ("registration_burst",)
        for status, count in pick(s, scenario, "errors_by_status", default={}).items()
        if status.startswith("5")
    ) + sum(count for status, count in first.get("errors_by_status", {}).items() if status.startswith("5"))
    dashboards = {
        layout: pick(s, "dashboard_latency", layout, "scan_to_dashboard_ms", "p99")
        for layout in ("one_process", "same_process", "cross_process")
        if pick(s, "dashboard_latency", layout)
    }
    return {
        "hello_requests_per_s": hello_rate,
        "django_baseline_requests_per_s": pick(s, "baseline_django", "rate_per_s"),
        "registrations_per_s (target >= 100)": pick(s, "registration_burst", "rate_per_s"),
        "registration_p95_ms": pick(s, "registration_burst", "latency_ms", "p95"),
        "registration_errors (target 0)": pick(s, "registration_burst", "errors"),
        "confirmations_last_sent_s_after_burst": pick(
            s, "registration_burst", "confirmations", "last_sent_s_after_burst"
        ),
        "confirmations_unsent_60_s_after_burst (target 0)": pick(
            s, "registration_burst", "confirmations", "unsent_60_s_after_burst (target 0)"
        ),
        "workshops_over_capacity (target 0)": len(
            pick(s, "registration_burst", "database_check", "workshops_over_capacity", default=[])
        ),
        "checkins_ok_per_s (target >= 450)": ok_rate,
        "checkin_p50_ms": pick(first, "latency_ms", "p50"),
        "checkin_p95_ms": pick(first, "latency_ms", "p95"),
        "checkin_p99_ms (target < 50)": pick(first, "latency_ms", "p99"),
        "checkin_errors (target 0)": first.get("errors"),
        "server_errors_5xx (target 0)": server_errors,
        "already_checked_in_per_s": pick(s, "checkin", "second_pass", "already_checked_in_per_s"),
        "checkin_vs_hello_ratio": round(ok_rate / hello_rate, 3) if ok_rate and hello_rate else None,
        "same_badge_ok_per_round (target 1)": pick(s, "same_badge_race", "ok_per_round"),
        "last_seats_booked (target = capacity)": [
            pick(s, "last_seats_race", "booked_in_database"),
            pick(s, "last_seats_race", "capacity"),
        ],
        "scan_to_dashboard_p99_ms (target < 250)": dashboards,
        "dashboard_deliveries_missing (target 0)": {
            layout: pick(s, "dashboard_latency", layout, "deliveries_missing") for layout in dashboards
        },
        "programme_page_per_s · p95_ms": [
            pick(s, "programme", "page", "rate_per_s"),
            pick(s, "programme", "page", "latency_ms", "p95"),
        ],
        "programme_ics_per_s · p95_ms": [
            pick(s, "programme", "ics", "rate_per_s"),
            pick(s, "programme", "ics", "latency_ms", "p95"),
        ],
        "patch_to_socket_p50_p99_ms (100 sockets)": [
            pick(s, "programme", "patch_to_socket", "patch_to_socket_ms", "p50"),
            pick(s, "programme", "patch_to_socket", "patch_to_socket_ms", "p99"),
        ],
        "patch_deliveries_missing (target 0)": pick(s, "programme", "patch_to_socket", "deliveries_missing"),
    }
