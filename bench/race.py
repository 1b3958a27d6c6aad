"""Races: 20 scanners on one fresh badge; 50 clients for the last 5 seats of a workshop."""

import asyncio
import time
import uuid
from collections import Counter

from bench.checkin import scanner_tokens
from bench.client import Client, ConnectionError_, Result, latency_ms
from bench.common import EXTRA_DOMAIN, Run, bearer, close_db, qr_payload, statuses
from bench.registration import payloads, programme

SCANNERS = 20
ROUNDS = 5  # fresh badges, raced one after the other
SEAT_RACERS = 50
LAST_SEATS = 5


def fresh_registrations(count: int, label: str, workshops=()) -> list:
    """Registered in the bench process through the service, as the API would."""
    from events.models import Event, Municipality
    from events.services import register

    event = Event.objects.current()
    municipality = Municipality.objects.get(code="GM0307")
    registrations = [
        register(
            event=event,
            first_name="Race",
            last_name=f"{label} {index}",
            email=f"{label}.{index}.{uuid.uuid4().hex[:8]}@{EXTRA_DOMAIN}",
            role="griffier",
            municipality=municipality,
            workshops=workshops,
        )[0]
        for index in range(count)
    ]
    close_db()
    return registrations


async def race(clients: list[Client], requests: list[tuple]) -> list[Result]:
    """Send one request per client at the same moment (all written in one loop turn)."""
    perf = time.perf_counter

    async def one(client: Client, request: tuple) -> Result:
        started = perf()
        try:
            response = await client.request(*request)
        except (OSError, ConnectionError_, asyncio.IncompleteReadError, TimeoutError) as error:
            return Result(request, f"connection_error:{type(error).__name__}", perf() - started)
        return Result(request, response.status, perf() - started, response.body)

    return list(await asyncio.gather(*(one(c, r) for c, r in zip(clients, requests, strict=True))))


async def open_clients(ports: list[int], count: int) -> list[Client]:
    """Each client on one connection; clients spread over the processes round-robin."""
    clients = [Client([ports[index % len(ports)]]) for index in range(count)]
    # A first cheap request on every connection, so that the race is not a race of TCP handshakes.
    await asyncio.gather(*(client.request("GET", "/api/v1/municipalities?q=GM0307") for client in clients))
    return clients


def same_badge_race(run: Run) -> dict:
    tokens = scanner_tokens(SCANNERS, "racer")
    badges = [qr_payload(r.badge_secret) for r in fresh_registrations(ROUNDS, "badge")]

    async def main() -> list[list[Result]]:
        clients = await open_clients(run.ports, SCANNERS)
        rounds = []
        for badge in badges:
            requests = [
                (
                    "POST",
                    "/api/v1/checkin/redeem",
                    {"secret": badge, "nonce": uuid.uuid4().hex},
                    bearer(token),
                )
                for token in tokens
            ]
            rounds.append(await race(clients, requests))
        for client in clients:
            client.close()
        return rounds

    rounds = asyncio.run(main())
    per_round = [statuses(results) for results in rounds]
    total: Counter[str] = Counter()
    for answers in per_round:
        total.update(answers)
    return {
        "what": f"{SCANNERS} devices redeem the same fresh badge at the same moment; {ROUNDS} badges",
        "scanners": SCANNERS,
        "rounds": ROUNDS,
        "answers_total": dict(sorted(total.items())),
        "ok_per_round": [answers.get("ok", 0) for answers in per_round],
        "exactly_one_ok_in_every_round": all(answers.get("ok", 0) == 1 for answers in per_round),
        "latency_ms": latency_ms(result.latency for results in rounds for result in results),
    }


def pick_workshop() -> tuple[int, int, int] | None:
    """The bookable workshop with the fewest free seats (≥ LAST_SEATS) that the event still fits."""
    from django.db.models import Count, Q

    from events.models import Booking, Event, Registration, Workshop

    event = Event.objects.current()
    room_left = event.capacity - Registration.objects.filter(event=event, status="confirmed").count()
    candidates = (
        Workshop.objects.filter(round__event=event, round__kind="workshops", status="scheduled")
        .annotate(n_booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)))
        .order_by("pk")
    )
    best = None
    for workshop in candidates:
        free = workshop.capacity - workshop.n_booked
        fillers = free - LAST_SEATS
        if free >= LAST_SEATS and fillers + SEAT_RACERS <= room_left and (best is None or free < best[1]):
            best = (workshop.pk, free, workshop.capacity)
    close_db()
    return best


def last_seats_race(run: Run) -> dict:
    picked = pick_workshop()
    if picked is None:
        return {"skipped": "no workshop with free seats that the remaining event capacity can fill"}
    workshop_id, free, capacity = picked

    from events.models import Workshop

    fresh_registrations(free - LAST_SEATS, "filler", Workshop.objects.filter(pk=workshop_id))
    codes, rounds = programme(run.ports[0])
    bodies = payloads(codes, rounds, SEAT_RACERS, EXTRA_DOMAIN)
    for index, body in enumerate(bodies):
        body["email"] = f"seat.{index}.{uuid.uuid4().hex[:8]}@{EXTRA_DOMAIN}"
        body["workshops"] = [workshop_id]

    async def main() -> list[Result]:
        clients = await open_clients(run.ports, SEAT_RACERS)
        results = await race(clients, [("POST", "/api/v1/registrations", body, None) for body in bodies])
        for client in clients:
            client.close()
        return results

    results = asyncio.run(main())
    answered: Counter[str] = Counter()
    for result in results:
        if result.ok:
            answered.update(booking["status"] for booking in result.json()["workshops"])
        else:
            answered[f"http_{result.status}"] += 1

    from events.models import Booking

    booked = Booking.objects.filter(workshop_id=workshop_id, status=Booking.Status.BOOKED).count()
    close_db()
    return {
        "what": f"{SEAT_RACERS} clients register at the same moment for a workshop with {LAST_SEATS} seats "
        f"left (filled up to there through the service)",
        "workshop": workshop_id,
        "capacity": capacity,
        "answers": dict(sorted(answered.items())),
        "booked_in_database": booked,
        "exactly_full": booked == capacity and answered.get("booked", 0) == LAST_SEATS,
        "latency_ms": latency_ms(result.latency for result in results),
    }
