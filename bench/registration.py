"""700 registrations through the API with 20 concurrent clients, then a capacity check in the ORM."""

import asyncio
import random
from collections import Counter

from bench.client import run_load, summarise
from bench.common import BURST_DOMAIN, Run, close_db, get_json
from bench.servers import Watch

REGISTRATIONS = 700
CLIENTS = 20

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


def registration_burst(run: Run) -> dict:
    codes, rounds = programme(run.ports[0])
    items = payloads(codes, rounds, REGISTRATIONS, BURST_DOMAIN)

    def request_for(item, client):
        return "POST", "/api/v1/registrations", item, None

    name = f"{run.setup.database}-p{run.setup.processes}-registration_burst"
    with Watch(run.servers, name, run.profile) as watch:
        load = asyncio.run(
            run_load(run.ports, CLIENTS, items, request_for, keep_body=True, budget=run.budget)
        )

    answered: Counter[str] = Counter()
    for result in load.results:
        if result.ok:
            for booking in result.json()["workshops"]:
                answered[booking["status"]] += 1
    return {
        "what": f"{REGISTRATIONS} POST /api/v1/registrations, {CLIENTS} concurrent clients, one random "
        f"workshop per round ({len(rounds)} rounds, {sum(len(w) for w in rounds.values())} workshops), "
        "confirmation e-mail rendered and sent inline (locmem backend)",
        "clients": CLIENTS,
        **summarise(load),
        **watch.figures(len(load.results)),
        "bookings_in_answers": dict(answered),
        "database_check": check_capacity(),
    }


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
