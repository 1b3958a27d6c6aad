"""One announcement pushed to the phones of the day: `python -m bench.push`.

700 attendees registered (by an organiser, no mail), each with a subscribed browser on a local
Web Push service in this process (tests/push_receiver.py: it verifies each push's VAPID signature
and decrypts its aes128gcm body with that browser's keys, as a push service and the browser
would). Then the announcement's pushes are sent as the push sender thread sends them
(`events.webpush.push.send_to`, the registrations as a subquery), timed, once per worker count
(`--workers`, default `1,8`): 1 is the baseline (one push after the other, as before
WEBPUSH_WORKERS), the others the pool.

A real push service answers across the internet: `--delay` (default 0.05 s) is how long the local
one takes to answer each push, a typical round trip to FCM or Mozilla's service from a Dutch
server. Without it the figure would be this machine's encryption CPU only (see `cpu_ms_per_push`).
The push service runs in this process and decrypts here, so its CPU shares the process (and the
GIL) with the senders: the pool's figure is pessimistic.

Figures per worker count: wall time until every push was answered, pushes per second, the push
service's most pushes at once, CPU ms per push (this process: sending and receiving), and the
check: every browser received exactly one push with its own page's link (missing, doubled and
refused must be 0). Kept in bench/results/push.json.
"""

import argparse
import tempfile
import time
from io import StringIO
from pathlib import Path

from bench.common import close_db, register_attendees
from bench.runner import guarded, standalone
from bench.servers import Setup, postgres_available

PHONES = 700
DELAY = 0.05
WORKERS = "1,8"
DOMAIN = "push.bench.example"
TEXT = "Workshop X verplaatst naar zaal 5"


def vapid_settings() -> dict:
    """A fresh VAPID pair, as `manage.py vapid_keys` prints it, for this run."""
    from django.core.management import call_command

    out = StringIO()
    call_command("vapid_keys", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    return {
        "VAPID_PUBLIC_KEY": lines["VAPID_PUBLIC_KEY"],
        "VAPID_PRIVATE_KEY": lines["VAPID_PRIVATE_KEY"],
        "VAPID_SUBJECT": "mailto:bench@example.org",
        "WEBPUSH_ALLOW_HTTP": True,
    }


def subscribe_all(service, registered: list) -> dict:
    """A browser on `service` per registration, subscribed through the service; {endpoint: page}."""
    from events.webpush.push import page_url
    from events.webpush.services import subscribe

    pages = {}
    for registration, _token in registered:
        browser = service.browser()
        subscribe(registration, endpoint=browser.endpoint, p256dh=browser.p256dh, auth=browser.auth)
        pages[browser.endpoint] = page_url(registration)
    close_db()
    return pages


def push_once(service, pages: dict, workers: int) -> dict:
    from django.test.utils import override_settings

    from events.models import Event, Registration
    from events.webpush import push

    for browser in service.browsers.values():
        browser.received.clear()
    service.most_at_once = service.refused = 0
    registrations = Registration.objects.filter(event=Event.objects.current()).values("pk")
    with override_settings(WEBPUSH_WORKERS=workers):
        started, cpu = time.perf_counter(), time.process_time()
        taken = push.send_to(
            registrations, lambda registration: {"title": "Mededeling", "body": TEXT}, ttl=600
        )
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    close_db()
    received = [browser.received for browser in service.browsers.values()]
    own_link = sum(
        1
        for browser in service.browsers.values()
        if len(browser.received) == 1
        and browser.received[0] == {"url": pages[browser.endpoint], "title": "Mededeling", "body": TEXT}
    )
    return {
        "workers": workers,
        "taken": taken,
        "wall_s": round(wall, 2),
        "pushes_per_s": round(taken / wall, 1) if wall else None,
        "most_at_once": service.most_at_once,
        "cpu_ms_per_push": round(cpu / max(taken, 1) * 1000, 2),
        "received_with_own_link": own_link,
        "missing": sum(1 for pushes in received if not pushes),
        "doubled": sum(1 for pushes in received if len(pushes) > 1),
        "refused": service.refused,
    }


def pushes(phones: int, delay: float, workers: list[int]) -> dict:
    from django.test.utils import override_settings

    from tests.push_receiver import PushService

    with override_settings(**vapid_settings()):
        service = PushService(delay=delay)
        try:
            registered = register_attendees(phones, "Telefoon", DOMAIN)
            pages = subscribe_all(service, registered)
            runs = [push_once(service, pages, count) for count in workers]
        finally:
            service.close()
    baseline = runs[0]
    return {
        "phones": phones,
        "delay_per_push_s": delay,
        "baseline": baseline,
        "pool": runs[1:],
        "speedup": [
            round(baseline["wall_s"] / run["wall_s"], 1) if run["wall_s"] else None for run in runs[1:]
        ],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=PHONES)
    parser.add_argument(
        "--delay", type=float, default=DELAY, help=f"seconds the push service takes per push ({DELAY})"
    )
    parser.add_argument(
        "--workers", default=WORKERS, help=f"worker counts, the first the baseline ({WORKERS})"
    )
    args = parser.parse_args(argv)
    workers = [int(count) for count in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="dld-bench-push-") as workdir:
        setup = Setup(
            database="postgres" if postgres_available() else "sqlite", processes=1, workdir=Path(workdir)
        )
        standalone(
            setup, "push.json", lambda: {"push": guarded(lambda: pushes(args.phones, args.delay, workers))}
        )


if __name__ == "__main__":
    main()
