"""700 registrations through the API with 50 concurrent clients (the rush after the invitation
mail), the confirmations drained from the outbox, then a capacity check in the ORM."""

import asyncio
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from bench.client import run_load, summarise
from bench.common import BURST_DOMAIN, Run, close_db, get_json
from bench.servers import Server, Watch, cpu_seconds

REGISTRATIONS = 700
CLIENTS = 50
# The issue: every confirmation sent within a minute after the burst. The bench waits longer, to
# tell how long it took.
DRAIN_TARGET_S = 60
DRAIN_LIMIT_S = 150

FIRST_NAMES = [
    "Anne", "Bram", "Chantal", "Daan", "Esther", "Fatima", "Gert", "Hanneke", "Ibrahim", "Joke",
    "Kees", "Lotte", "Mohamed", "Noor", "Olaf", "Petra", "Quinten", "Rianne", "Sander", "Tamara",
    "Ugur", "Vera", "Willem", "Yasmina", "Zeynep", "Bart", "Ingrid", "Jeroen", "Marieke", "Sven",
]  # fmt: skip
LAST_NAMES = [
    "de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
    "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
    "Dijkstra", "Yilmaz", "El Amrani", "van Dijk", "Kok", "Verhoeven", "Postma", "Hoekstra",
]  # fmt: skip
# Roughly who comes to the day: mostly council members and clerks.
ROLES = {
    "raadslid": 40,
    "commissielid": 8,
    "wethouder": 8,
    "burgemeester": 3,
    "griffier": 12,
    "gemeentesecretaris": 2,
    "ambtenaar": 17,
    "anders": 10,
}
ORGANISATIONS = ["ProDemos", "VNG", "Nederlandse Vereniging voor Raadsleden", "Universiteit Utrecht", "BZK"]
NEEDS = ["", "", "", "", "", "", "", "", "Vegetarisch", "Rolstoeltoegankelijke zaal graag"]


def payloads(municipality_codes: list[str], rounds: dict[int, list[int]], count: int, domain: str) -> list:
    """Realistic, reproducible registrations: unique e-mails, role spread, one workshop per round."""
    rng = random.Random(2027)
    roles, weights = zip(*ROLES.items(), strict=True)
    items = []
    for index in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        role = rng.choices(roles, weights)[0]
        body = {
            "first_name": first,
            "last_name": f"{last} {index:04d}",  # unique names: the dashboard bench matches on them
            "email": f"{first}.{last.replace(' ', '')}.{index}@{domain}".lower(),
            "role": role,
            "workshops": [rng.choice(workshops) for workshops in rounds.values()],
            "needs": rng.choice(NEEDS),
            "directory_opt_in": rng.random() < 0.4,
        }
        if role == "anders" or (role == "ambtenaar" and rng.random() < 0.2):
            body["organisation"] = rng.choice(ORGANISATIONS)
        else:
            body["municipality"] = rng.choice(municipality_codes)
        items.append(body)
    return items


def programme(port: int) -> tuple[list[str], dict[int, list[int]]]:
    """Municipality codes and the bookable workshops per round, as a client would read them."""
    codes = [row["code"] for row in get_json(port, "/api/v1/municipalities")]
    rounds: dict[int, list[int]] = {}
    for workshop in get_json(port, "/api/v1/workshops"):
        if workshop["round"]["kind"] == "workshops" and workshop["status"] == "scheduled":
            rounds.setdefault(workshop["round"]["id"], []).append(workshop["id"])
    return codes, rounds


def registration_burst(run: Run, extra_cpu_pids: tuple[int, ...] = ()) -> dict:
    """`extra_cpu_pids`: processes whose CPU counts with the servers' (a `send_outbox` worker)."""
    codes, rounds = programme(run.ports[0])
    items = payloads(codes, rounds, REGISTRATIONS, BURST_DOMAIN)

    def request_for(item, client):
        return "POST", "/api/v1/registrations", item, None

    name = f"{run.setup.database}-p{run.setup.processes}-registration_burst"
    watched = run.servers + [Server(0, _Pid(pid), None) for pid in extra_cpu_pids]
    with Watch(watched, name, run.profile) as watch:
        load = asyncio.run(
            run_load(run.ports, CLIENTS, items, request_for, keep_body=True, budget=run.budget)
        )
    burst_ended = datetime.now(UTC)  # the last answer has just arrived

    answered: Counter[str] = Counter()
    for result in load.results:
        if result.ok:
            for booking in result.json()["workshops"]:
                answered[booking["status"]] += 1
    delivery = run.setup.environment().get("EMAIL_DELIVERY")
    return {
        "what": f"{REGISTRATIONS} POST /api/v1/registrations, {CLIENTS} concurrent clients, one random "
        f"workshop per round ({len(rounds)} rounds, {sum(len(w) for w in rounds.values())} workshops), "
        f"EMAIL_DELIVERY={delivery} (locmem backend)",
        "clients": CLIENTS,
        "email_delivery": delivery,
        **summarise(load),
        **watch.figures(len(load.results)),
        "bookings_in_answers": dict(answered),
        "confirmations": drain(burst_ended, watched),
        "database_check": check_capacity(),
    }


class _Pid:
    """Enough of a Popen for Watch: a process to count the CPU of."""

    def __init__(self, pid: int):
        self.pid = pid


def drain(burst_ended: datetime, servers: list[Server]) -> dict:
    """Poll the outbox rows of the burst's confirmations until all are sent (or DRAIN_LIMIT_S):
    seconds from the burst's last answer to the last confirmation sent, how many were not sent
    DRAIN_TARGET_S after it, and the servers' CPU while they drained."""
    from events.models import OutboundEmail

    burst = OutboundEmail.objects.filter(
        kind="registration_confirmation", registration__email__endswith="@" + BURST_DOMAIN
    )
    cpu_before = sum(cpu_seconds(server.pid) for server in servers)
    began = time.monotonic()
    total = burst.count()
    sent_during_burst = burst.filter(sent_at__lte=burst_ended).count()
    while burst.filter(sent_at__isnull=True).exists() and time.monotonic() - began < DRAIN_LIMIT_S:
        close_db()
        time.sleep(0.25)
    cpu = sum(cpu_seconds(server.pid) for server in servers) - cpu_before
    last_sent = burst.order_by("-sent_at").values_list("sent_at", flat=True).first()
    unsent = burst.filter(sent_at__isnull=True).count()
    late = burst.filter(sent_at__gt=burst_ended + timedelta(seconds=DRAIN_TARGET_S)).count()
    result = {
        "queued": total,
        "sent_during_burst": sent_during_burst,
        "last_sent_s_after_burst": round((last_sent - burst_ended).total_seconds(), 2)
        if last_sent is not None and not unsent
        else None,
        f"unsent_{DRAIN_TARGET_S}_s_after_burst (target 0)": late + unsent,
        f"unsent_after_{DRAIN_LIMIT_S}_s": unsent,
        "server_cpu_s_while_draining": round(cpu, 2),
    }
    close_db()
    return result


def check_capacity() -> dict:
    """No workshop has more booked seats than its capacity; totals of booked and waitlisted."""
    from django.db.models import Count, Q

    from events.models import Booking, Event, OutboundEmail, Registration, Workshop

    event = Event.objects.current()
    workshops = (
        Workshop.objects.filter(round__event=event, round__kind="workshops")
        .annotate(
            n_booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)),
            n_waitlisted=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
        )
        .order_by("pk")
    )
    over = [
        {"workshop": w.pk, "capacity": w.capacity, "booked": w.n_booked}
        for w in workshops
        if w.n_booked > w.capacity
    ]
    result = {
        "registrations_confirmed": Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED
        ).count(),
        "registrations_of_the_burst": Registration.objects.filter(email__endswith="@" + BURST_DOMAIN).count(),
        "bookings_booked": sum(w.n_booked for w in workshops),
        "bookings_waitlisted": sum(w.n_waitlisted for w in workshops),
        "workshops_full": sum(1 for w in workshops if w.n_booked >= w.capacity),
        "workshops": len(workshops),
        "workshops_over_capacity": over,
        "emails_sent": OutboundEmail.objects.filter(sent_at__isnull=False).count(),
        "emails_unsent": OutboundEmail.objects.filter(sent_at__isnull=True).count(),
    }
    close_db()
    return result
