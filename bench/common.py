"""What the scenarios of one run share."""

import asyncio
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.client import Client, Result
from bench.servers import RESULTS, Server, Setup

# Every attendee the bench registers has an address under this domain (never mailed: locmem).
BURST_DOMAIN = "burst.bench.example"
EXTRA_DOMAIN = "extra.bench.example"


@dataclass
class Run:
    setup: Setup
    servers: list[Server]
    profile: bool = False
    notes: list[str] = field(default_factory=list)
    budget: float | None = None  # seconds per load phase; None: no limit

    @property
    def ports(self) -> list[int]:
        return [server.port for server in self.servers]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def qr_payload(secret: str) -> str:
    """What a scanner reads from the badge's QR code."""
    return "DLD1:" + secret


def statuses(results: list[Result]) -> dict[str, int]:
    """The `status` field of the scan answers (ok, already_checked_in, …), or the HTTP status."""
    counts: Counter[str] = Counter()
    for result in results:
        if result.ok:
            try:
                counts[str(json.loads(result.body).get("status"))] += 1
            except (ValueError, AttributeError):
                counts["unparsable"] += 1
        else:
            counts[f"http_{result.status}"] += 1
    return dict(sorted(counts.items()))


async def fetch_json(port: int, path: str) -> Any:
    client = Client([port])
    try:
        response = await client.request("GET", path)
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}: {response.body[:300]!r}")
        return response.json()
    finally:
        client.close()


def get_json(port: int, path: str) -> Any:
    return asyncio.run(fetch_json(port, path))


def keep_result(filename: str, document: dict) -> None:
    """Print a figures document as JSON and keep it in bench/results/."""
    text = json.dumps(document, indent=2)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / filename).write_text(text + "\n")
    print(text)


async def close_sockets(listeners: list[asyncio.Task], sockets: list) -> None:
    for listener in listeners:
        listener.cancel()
    await asyncio.gather(*(socket.close() for socket in sockets), return_exceptions=True)


def register_attendees(count: int, first_name: str, domain: str) -> list[tuple[Any, str]]:
    """`count` confirmed attendees of the current event, registered through the service by an
    organiser without a confirmation mail ("<first_name> <n>", first-name<n>@<domain>): a list of
    (registration, manage token). Closes the bench process's connection after."""
    from events import services
    from events.models import Event, Municipality

    event = Event.objects.current()
    municipality = Municipality.objects.order_by("code").first()
    registered = [
        services.register(
            event=event,
            first_name=first_name,
            last_name=str(number),
            email=f"{first_name.lower()}{number}@{domain}",
            role="raadslid",
            municipality=municipality,
            by_organiser=True,
            send_confirmation=False,
        )
        for number in range(count)
    ]
    close_db()
    return registered


def close_db() -> None:
    """Let go of the bench process's own connection between phases (SQLite file locks, PG FORCE drop)."""
    from django.db import connections

    connections.close_all()


CHROMIUM = "/usr/bin/chromium"


def chromium_context(playwright, url: str):
    """(browser, context): Debian's Chromium headless, a 1366×900 window on `url` as a Dutch
    visitor has it (Amsterdam time), for the scenarios that drive a real page."""
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    )
    context = browser.new_context(
        base_url=url, viewport={"width": 1366, "height": 900}, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    return browser, context
