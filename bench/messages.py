"""Messages at the scale of the day: `python -m bench.messages`.

(a) `mails`: 700 attendees registered, then 700 personalised mails (`--kind`: the reminder when
    a builder for `event_reminder` exists, else the confirmation: reference, programme, private
    links, calendar, badge) queued through the outbox and sent by `outbox.deliver_due` (what
    `manage.py send_outbox` and the sender threads run) over SMTP to a local aiosmtpd server
    (tests/smtp.py) in this process. Figures: mails/s, CPU ms per mail (the process, and the
    sending thread alone: the process figure includes the SMTP server's thread), resident memory
    before and after, and every mail that arrived, parsed (stdlib `email`), to its recipient with
    their own private link in the text and in the HTML part. Baseline in the same run: as many
    mails rendered and handed to Django's locmem backend (no SMTP), so the wire's share shows.
(b) `announcement`: 1,000 `/ws/programme/` sockets spread over two daphne processes (Redis
    channel layer, PostgreSQL), then an organiser posts one announcement through the API
    (`POST /api/v1/announcements`, bearer token) to the first; the clock runs from writing the
    request to each socket having the `announcement` message. Figures: delivery p50/p95/p99 (also
    split into the POST's own process and the other one, through Redis), missing (must be 0),
    memory per open socket. Baseline in the same run: the same POST with one socket per process.
    Skipped, with the reason in the JSON, without PostgreSQL and Redis.

Kept in bench/results/messages.json.
"""

import argparse
import asyncio
import contextlib
import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from websockets.asyncio.client import connect

from bench.client import Client, latency_ms
from bench.common import bearer, close_db, register_attendees
from bench.runner import guarded, standalone
from bench.servers import (
    REDIS_URL,
    Setup,
    daphnes,
    postgres_available,
    redis_available,
    resident_kib,
)

MAILS = 700
SOCKETS = 1000
REMINDER = "event_reminder"
FALLBACK_KIND = "registration_confirmation"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
ARRIVAL_TIMEOUT = 30.0
# daphne drops a handshake the application has not accepted within 5 s (each connect reads the
# programme for its snapshot): a busy machine needs few at a time and a few tries.
CONNECT_CONCURRENCY = 20
CONNECT_ATTEMPTS = 5
DELIVERY_TIMEOUT = 15.0
PROBE = "/api/v1/municipalities?q=GM0307"
STARTUP_TIMEOUT = 180.0  # a busy two-core machine takes its time to start two Djangos


def default_kind() -> str:
    from events import outbox

    return REMINDER if REMINDER in outbox.BUILDERS else FALLBACK_KIND


def send_all(kind: str, registrations: list, backend_settings: dict) -> dict:
    """Queue one `kind` mail per registration (nothing sent at the commit), then send every due
    mail as `send_outbox` does, timed."""
    from django.db import transaction
    from django.test.utils import override_settings

    from events import outbox

    with override_settings(EMAIL_DELIVERY="worker", **backend_settings):
        with transaction.atomic():
            for registration in registrations:
                outbox.queue(kind, to="", registration=registration)
        memory_before = resident_kib(os.getpid())
        started, process_cpu, thread_cpu = time.perf_counter(), time.process_time(), time.thread_time()
        sent = failed = 0
        while True:  # deliver_due takes at most 500 at a time
            round_sent, round_failed = outbox.deliver_due()
            sent, failed = sent + round_sent, failed + round_failed
            if not (round_sent or round_failed):
                break
        wall = time.perf_counter() - started
        process_cpu, thread_cpu = time.process_time() - process_cpu, time.thread_time() - thread_cpu
        memory_after = resident_kib(os.getpid())
    close_db()
    return {
        "kind": kind,
        "sent": sent,
        "failed": failed,
        "wall_s": round(wall, 2),
        "mails_per_s": round(sent / wall, 1) if wall else None,
        "process_cpu_ms_per_mail": round(process_cpu / max(sent, 1) * 1000, 2),
        "sending_thread_cpu_ms_per_mail": round(thread_cpu / max(sent, 1) * 1000, 2),
        "rss_kib_before": memory_before,
        "rss_kib_after": memory_after,
    }


def arrived_as_sent(server, registered: list) -> dict:
    """What the SMTP server has: each mail parsed, to the right person, with their own private link
    in the text and in the HTML part."""
    arrivals = server.wait_for(len(registered), ARRIVAL_TIMEOUT)
    links = {registration.email: f"/r/{token}/" for registration, token in registered}
    parsed = 0
    for arrival in arrivals:
        message = arrival.message()
        text, html = message.get_body(("plain",)), message.get_body(("html",))
        link = links.get(message["To"])
        if text is not None and html is not None and link:
            parsed += link in text.get_content() and link in html.get_content()
    return {
        "arrived": len(arrivals),
        "parsed_with_their_own_link": parsed,
        "missing": len(registered) - len(arrivals),
        "distinct_recipients": len({arrival.recipients[0] for arrival in arrivals}),
    }


def mails(kind: str, count: int) -> dict:
    from tests.smtp import SmtpServer

    started = time.perf_counter()
    registered = register_attendees(count, "Lezer", "mail.bench.example")
    registrations = [registration for registration, _token in registered]
    registered_s = time.perf_counter() - started
    baseline = send_all(kind, registrations, {"EMAIL_BACKEND": LOCMEM})
    with SmtpServer() as server:
        over_smtp = send_all(kind, registrations, server.django_settings())
        over_smtp.update(arrived_as_sent(server, registered))
    return {
        "what": f"{count} '{kind}' mails queued in the outbox, then sent by outbox.deliver_due in this "
        "process: over SMTP to aiosmtpd on 127.0.0.1 (one connection per mail, as Django's backend "
        "sends one message), and as a baseline to the locmem backend (rendering only)",
        "registered": count,
        "register_s": round(registered_s, 2),
        "baseline_locmem": baseline,
        "over_smtp": over_smtp,
    }


def organiser_token(scopes: tuple[str, ...] = ("messages",)) -> str:
    from django.contrib.auth import get_user_model

    from events.services.api_tokens import create_api_token

    user, _created = get_user_model().objects.get_or_create(
        username="bench-messages", defaults={"is_staff": True}
    )
    _token, secret = create_api_token(user, name="bench.messages", scopes=list(scopes))
    close_db()
    return secret


async def announce(ports: list[int], pids: list[int], sockets_wanted: int, token: str, text: str) -> dict:
    """Open `sockets_wanted` programme sockets round-robin over the ports, post one announcement to
    the first port, and time its arrival on every socket."""
    perf = time.perf_counter
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    refused: list[str] = []

    async def open_socket(port: int):
        async with gate:
            for attempt in range(CONNECT_ATTEMPTS):  # a browser's page retries too
                try:
                    socket = await connect(
                        f"ws://127.0.0.1:{port}/ws/programme/", proxy=None, max_size=None, open_timeout=60
                    )
                    return port, socket
                except Exception as error:  # counted, not fatal: the figures say how many opened
                    refused.append(f"{type(error).__name__}: {error}"[:120])
                    await asyncio.sleep(attempt + 1)
            return None

    memory_before = sum(resident_kib(pid) for pid in pids)
    opened = [
        found
        for found in await asyncio.gather(
            *(open_socket(ports[n % len(ports)]) for n in range(sockets_wanted))
        )
        if found is not None
    ]
    await asyncio.sleep(1.0)  # every socket has joined its groups and had its snapshot
    memory_after = sum(resident_kib(pid) for pid in pids)
    arrivals: dict[int, float] = {}  # socket index → arrival
    everyone = asyncio.Event()
    posted: list[int] = []

    async def listen(index: int, socket) -> None:
        with contextlib.suppress(Exception):  # a broken socket ends its listener: it counts as missing
            async for raw in socket:
                at = perf()
                message = json.loads(raw)
                if message.get("type") == "announcement" and message.get("text") == text:
                    arrivals[index] = at
                    if len(arrivals) >= len(opened):
                        everyone.set()
                    return

    listeners = [asyncio.create_task(listen(index, socket)) for index, (_port, socket) in enumerate(opened)]
    client = Client([ports[0]])
    started = perf()
    response = await client.request("POST", "/api/v1/announcements", {"text": text}, bearer(token))
    answered = perf()
    if response.status == 201:
        posted.append(response.json()["id"])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(everyone.wait(), DELIVERY_TIMEOUT)
    client.close()
    for listener in listeners:
        listener.cancel()
    await asyncio.gather(*(socket.close() for _port, socket in opened), return_exceptions=True)

    def delays(on_port=None) -> list[float]:
        return [
            at - started
            for index, at in arrivals.items()
            if on_port is None or (opened[index][0] == ports[0]) == on_port
        ]

    return {
        "sockets": len(opened),
        "connect_attempts_refused": len(refused),
        "refusals": dict(Counter(refused).most_common(5)),
        "post_status": response.status,
        "post_http_ms": round((answered - started) * 1000, 1),
        "delivered": len(arrivals),
        "missing": len(opened) - len(arrivals),
        "delivery_ms": latency_ms(delays()),
        "delivery_ms_same_process": latency_ms(delays(on_port=True)),
        "delivery_ms_other_process": latency_ms(delays(on_port=False)),
        "memory_per_socket_kib": round((memory_after - memory_before) / len(opened), 1) if opened else None,
    }


def announcement(setup: Setup, sockets: int) -> dict:
    token = organiser_token()
    with daphnes(setup, setup.app, 2, PROBE, timeout=STARTUP_TIMEOUT) as servers:
        ports, pids = [server.port for server in servers], [server.pid for server in servers]
        baseline = asyncio.run(announce(ports, pids, len(ports), token, "Bench: een socket per proces"))
        measured = asyncio.run(announce(ports, pids, sockets, token, "Bench: de lunch staat klaar in de hal"))
    return {
        "what": f"{sockets} /ws/programme/ sockets over 2 daphne processes (Redis channel layer), one "
        "POST /api/v1/announcements to the first; clock from writing the POST to each socket's message",
        "baseline_one_socket_per_process": baseline,
        "with_sockets": measured,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--kind", default="", help=f"the mail's kind (default: {REMINDER} if built, else {FALLBACK_KIND})"
    )
    parser.add_argument("--mails", type=int, default=MAILS)
    parser.add_argument("--sockets", type=int, default=SOCKETS)
    args = parser.parse_args(argv)
    both = postgres_available() and redis_available()
    with tempfile.TemporaryDirectory(prefix="dld-bench-messages-") as workdir:
        setup = Setup(
            database="postgres" if postgres_available() else "sqlite",
            processes=2 if both else 1,
            workdir=Path(workdir),
            redis_url=REDIS_URL if both else "",
        )

        def scenarios() -> dict:
            report = {"mails": guarded(lambda: mails(args.kind or default_kind(), args.mails))}
            if both:
                report["announcement"] = guarded(lambda: announcement(setup, args.sockets))
            else:
                report["announcement"] = {
                    "skipped": "needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (two processes)"
                }
            return report

        standalone(setup, "messages.json", scenarios)


if __name__ == "__main__":
    main()
