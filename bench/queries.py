"""Queries and in-process time per hot request, with Django's test client in the bench process.

Runs against the bench database after the load (so with ~700 attendees in it). The time is the
whole request through the middleware without any server, split into the parts that run after the
commit (confirmation e-mail, live event) by wrapping those functions in this process only.
"""

import statistics
import time
import uuid
from collections import Counter
from contextlib import contextmanager

from bench.common import EXTRA_DOMAIN, Run, close_db

REPEAT = 3


@contextmanager
def timed(module, name: str, spent: list[float]):
    """Add the time spent in `module.name` to `spent` while the block runs."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, original)


def shape(sql: str) -> str:
    """`SELECT … FROM "events_registration"` → `SELECT events_registration` (for counting)."""
    words = sql.replace('"', "").split()
    verb = words[0].upper() if words else "?"
    table = "?"
    for keyword in ("FROM", "INTO", "UPDATE"):
        if keyword in (w.upper() for w in words):
            index = [w.upper() for w in words].index(keyword)
            if index + 1 < len(words):
                table = words[index + 1]
                break
    if verb == "UPDATE":
        table = words[1]
    return f"{verb} {table}"


def measure(client, method: str, path: str, body=None, headers=None, hooks=()) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, cpu, counts, after_commit = [], [], [], {name: [] for _module, name in hooks}
    shapes: Counter[str] = Counter()
    statuses = Counter()
    for index in range(REPEAT):
        data = body(index) if callable(body) else body
        with CaptureQueriesContext(connection) as captured:
            spent: dict[str, list[float]] = {name: [] for _module, name in hooks}
            managers = [timed(module, name, spent[name]) for module, name in hooks]
            for manager in managers:
                manager.__enter__()
            started = time.perf_counter()
            cpu_started = time.process_time()
            try:
                if method == "GET":
                    response = client.get(path, **(headers or {}))
                else:
                    response = client.post(
                        path, data=data, content_type="application/json", **(headers or {})
                    )
            finally:
                elapsed = time.perf_counter() - started
                cpu.append(time.process_time() - cpu_started)
                for manager in reversed(managers):
                    manager.__exit__(None, None, None)
        statuses[response.status_code] += 1
        times.append(elapsed)
        counts.append(len(captured.captured_queries))
        for name, values in spent.items():
            after_commit[name].append(sum(values))
        if index == 0:
            shapes.update(shape(query["sql"]) for query in captured.captured_queries)
    return {
        "queries": counts[0] if len(set(counts)) == 1 else counts,
        "in_process_ms_median": round(statistics.median(times) * 1000, 2),
        "in_process_cpu_ms_median": round(statistics.median(cpu) * 1000, 2),
        "after_commit_ms_median": {
            name: round(statistics.median(v) * 1000, 2) for name, v in after_commit.items()
        },
        "http_status": dict(statuses),
        "by_statement": dict(shapes.most_common()),
    }


def query_counts(run: Run) -> dict:
    from django.test import Client

    from checkin import live as checkin_live
    from checkin.services import create_device
    from events import live, outbox
    from events.models import Event, Registration, Workshop

    event = Event.objects.current()
    _device, token = create_device(event=event, name="Bench queries")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    workshops = []
    for round_ in event.rounds.filter(kind="workshops").order_by("starts_at"):
        workshop = Workshop.objects.filter(round=round_, status="scheduled").order_by("-capacity").first()
        if workshop:
            workshops.append(workshop.pk)
    client = Client()
    client.get("/api/v1/municipalities?q=GM0307")  # imports and URLconf: not counted
    tag = uuid.uuid4().hex[:8]

    def registration_body(index: int) -> dict:
        return {
            "first_name": "Query",
            "last_name": f"Counter {index}",
            "email": f"query.{tag}.{index}@{EXTRA_DOMAIN}",
            "role": "raadslid",
            "municipality": "GM0307",
            "workshops": workshops,
        }

    figures = {
        "GET /api/v1/municipalities?q=GM0307": measure(client, "GET", "/api/v1/municipalities?q=GM0307"),
        "POST /api/v1/registrations (3 workshops)": measure(
            client,
            "POST",
            "/api/v1/registrations",
            registration_body,
            hooks=[(outbox, "deliver"), (live, "publish_changes")],
        ),
    }
    secrets = list(
        Registration.objects.filter(email__startswith=f"query.{tag}.")
        .order_by("pk")
        .values_list("badge_secret", flat=True)
    )

    def redeem_body(index: int) -> dict:
        return {"secret": "DLD1:" + secrets[index % len(secrets)], "nonce": uuid.uuid4().hex}

    hooks = [(checkin_live, "publish_checkin")]
    figures["POST /api/v1/checkin/redeem (ok)"] = measure(
        client, "POST", "/api/v1/checkin/redeem", redeem_body, auth, hooks
    )
    figures["POST /api/v1/checkin/redeem (already_checked_in)"] = measure(
        client, "POST", "/api/v1/checkin/redeem", redeem_body, auth, hooks
    )
    close_db()
    return {
        "what": "queries per request and in-process time (Django test client, no server, no network; "
        f"median of {REPEAT}); after_commit = time inside the wrapped functions",
        "database_rows": "after the burst and check-in scenarios",
        **figures,
    }
