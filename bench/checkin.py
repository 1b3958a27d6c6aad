"""10 scanners redeem the 700 badges of the burst once (all `ok`), then once more (all `already`)."""

import asyncio
import uuid

from bench.client import run_load, summarise
from bench.common import BURST_DOMAIN, Run, bearer, close_db, qr_payload, statuses
from bench.servers import Watch

SCANNERS = 10


def scanner_tokens(count: int, label: str) -> list[str]:
    from checkin.services import create_device
    from events.models import Event

    event = Event.objects.current()
    tokens = [create_device(event=event, name=f"Bench {label} {index + 1}")[1] for index in range(count)]
    close_db()
    return tokens


def burst_badges() -> list[str]:
    from events.models import Registration

    secrets = list(
        Registration.objects.filter(email__endswith="@" + BURST_DOMAIN)
        .order_by("pk")
        .values_list("badge_secret", flat=True)
    )
    close_db()
    return [qr_payload(secret) for secret in secrets]


def one_pass(run: Run, tokens: list[str], badges: list[str], name: str) -> dict:
    headers = [bearer(token) for token in tokens]

    def request_for(item, client):
        return "POST", "/api/v1/checkin/redeem", {"secret": item, "nonce": uuid.uuid4().hex}, headers[client]

    with Watch(run.servers, f"{run.setup.database}-p{run.setup.processes}-{name}", run.profile) as watch:
        load = asyncio.run(
            run_load(run.ports, len(tokens), badges, request_for, keep_body=True, budget=run.budget)
        )
    answers = statuses(load.results)
    figures = summarise(load)
    expected = "ok" if name == "checkin" else "already_checked_in"
    return {
        **figures,
        **watch.figures(len(load.results)),
        "answers": answers,
        f"{expected}_per_s": round(answers.get(expected, 0) / load.wall, 1) if load.wall else None,
    }


def checkin(run: Run) -> dict:
    tokens = scanner_tokens(SCANNERS, "scanner")
    badges = burst_badges()
    first = one_pass(run, tokens, badges, "checkin")
    second = one_pass(run, tokens, badges, "checkin_again")

    from checkin.models import CheckIn

    checked_in = CheckIn.objects.filter(workshop__isnull=True).count()
    close_db()
    return {
        "what": f"{len(badges)} POST /api/v1/checkin/redeem (entrance, unique nonce each), {SCANNERS} "
        "scanner devices each on its own keep-alive connection",
        "scanners": SCANNERS,
        "badges": len(badges),
        "first_pass": first,
        "second_pass": second,
        "ok_per_s": first["ok_per_s"],
        "database_check": {"entrance_checkins": checked_in},
    }
