"""SIGKILL a daphne process in the middle of a registration burst: no confirmed registration is
lost, nothing is half booked, and a new process serves the same database again.

Twenty clients post registrations with one to three workshops each (some into rooms of three
seats, so waiting lists form); once half of the expected answers are in, the process is killed
without warning. Whatever the clients were told (201 and its body) must be in the database
exactly; whatever the database holds must be whole. Prints a JSON summary line (run with -s).
"""

import json
import random
import signal
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Booking, OutboundEmail, Registration, Room, Round, Workshop
from tests.clock import at
from tests.factories import registration_payload
from tests.live import start_daphne

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 20
REQUESTS_PER_CLIENT = 15
KILL_AFTER_CREATED = CLIENTS * REQUESTS_PER_CLIENT // 2


@pytest.fixture
def three_rounds(event):
    """Three workshop rounds, each with a room of three seats and a large one."""
    event.capacity = 2000
    event.save(update_fields=["capacity"])
    rounds = {}
    for number, hour in enumerate([10, 12, 14], start=1):
        round_ = Round.objects.create(
            event=event, label=f"Ronde {number}", starts_at=at(hour), ends_at=at(hour + 1)
        )
        small_room = Room.objects.create(event=event, name=f"Klein {number}", capacity=3)
        large_room = Room.objects.create(event=event, name=f"Groot {number}", capacity=60)
        rounds[round_.pk] = [
            Workshop.objects.create(
                round=round_, room=small_room, slug=f"klein-{number}", title=f"Klein {number}", capacity=3
            ).pk,
            Workshop.objects.create(
                round=round_, room=large_room, slug=f"groot-{number}", title=f"Groot {number}", capacity=60
            ).pk,
        ]
    return rounds


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{url}/api/v1/registrations",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class Burst:
    """The clients, what each asked for, and what each was told."""

    def __init__(self, url: str, rounds: dict[int, list[int]]):
        self.url = url
        self.rounds = rounds
        self.lock = threading.Lock()
        self.created = 0
        self.half_way = threading.Event()
        self.chosen: dict[str, set[int]] = {}  # e-mail → the workshops asked for
        self.answers: dict[str, dict] = {}  # e-mail → 201 body
        self.other_statuses: Counter = Counter()
        self.errors: Counter = Counter()  # connection errors (the kill)
        self.sent = 0

    def client(self, index: int) -> None:
        pick = random.Random(index)
        for n in range(REQUESTS_PER_CLIENT):
            email = f"burst-{index}-{n}@x.example"
            chosen_rounds = pick.sample(sorted(self.rounds), pick.randint(1, 3))
            # One in three choices goes to a room of three seats: their waiting lists grow.
            workshops = [self.rounds[r][0 if pick.random() < 1 / 3 else 1] for r in chosen_rounds]
            payload = registration_payload(index * 1000 + n, email=email, workshops=workshops)
            with self.lock:
                self.chosen[email] = set(workshops)
                self.sent += 1
            try:
                status, body = post(self.url, payload)
            except OSError as error:  # reset, refused, remote closed: the process is gone
                with self.lock:
                    self.errors[type(error).__name__] += 1
                return
            with self.lock:
                if status == 201:
                    self.answers[email] = body
                    self.created += 1
                    if self.created >= KILL_AFTER_CREATED:
                        self.half_way.set()
                else:
                    self.other_statuses[status] += 1

    def run_and_kill(self, server) -> None:
        threads = [threading.Thread(target=self.client, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        assert self.half_way.wait(timeout=120), "the burst never got half way"
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)
        for thread in threads:
            thread.join(timeout=90)
        assert not any(thread.is_alive() for thread in threads)


def check_database(burst: Burst, rounds: dict[int, list[int]]) -> dict:
    """Everything the clients were told is stored; everything stored is whole. Returns counts."""
    registrations = {r.email: r for r in Registration.objects.prefetch_related("bookings")}
    # Every 201 is in the database with exactly the bookings it listed.
    for email, body in burst.answers.items():
        registration = registrations[email]
        assert (registration.reference, registration.status) == (body["reference"], "confirmed")
        assert sorted((b.workshop_id, b.status) for b in registration.bookings.all()) == sorted(
            (w["id"], w["status"]) for w in body["workshops"]
        )
    # Every registration in the database (also one committed just before the kill, whose answer
    # never left) holds exactly the workshops that were asked for, no more, no fewer.
    for email, registration in registrations.items():
        assert {b.workshop_id for b in registration.bookings.all()} == burst.chosen[email], email
    assert not Booking.objects.exclude(registration__in=Registration.objects.all()).exists()
    # No room over capacity; nobody waits while a seat is free; waiting lists are 1..n.
    positions_told = {
        (w["id"], email): w["position"]
        for email, body in burst.answers.items()
        for w in body["workshops"]
        if w["status"] == "waitlisted"
    }
    waitlisted_total = 0
    for workshop in Workshop.objects.filter(round_id__in=rounds):
        bookings = list(workshop.bookings.select_related("registration"))
        booked = sum(b.status == Booking.Status.BOOKED for b in bookings)
        waiting = [b for b in bookings if b.status == Booking.Status.WAITLISTED]
        assert booked <= workshop.capacity, workshop.title
        assert not waiting or booked == workshop.capacity, workshop.title
        positions = {b.registration.email: b.waitlist_position() for b in waiting}
        assert sorted(positions.values()) == list(range(1, len(waiting) + 1)), workshop.title
        for email, position in positions.items():
            if (workshop.pk, email) in positions_told:
                assert positions_told[(workshop.pk, email)] == position
        waitlisted_total += len(waiting)
    assert waitlisted_total > 0  # the small rooms did overflow
    # Every confirmed registration has its confirmation in the outbox, sent or still pending.
    confirmations = Counter(
        OutboundEmail.objects.filter(kind="registration_confirmation").values_list(
            "registration_id", flat=True
        )
    )
    assert {r.pk: confirmations[r.pk] for r in registrations.values()} == {
        r.pk: 1 for r in registrations.values()
    }
    return {
        "registrations": len(registrations),
        "bookings": Booking.objects.count(),
        "waitlisted": waitlisted_total,
        "outbox": OutboundEmail.objects.count(),
    }


def test_sigkill_during_a_registration_burst_loses_nothing(three_rounds, tmp_path, settings):
    started = time.monotonic()
    server = start_daphne(mail_dir=tmp_path / "mail", env={"EMAIL_DELIVERY": "thread"})
    try:
        burst = Burst(server.url, three_rounds)
        burst.run_and_kill(server)
    finally:
        server.stop()
    burst_seconds = time.monotonic() - started

    assert burst.created >= KILL_AFTER_CREATED
    assert burst.other_statuses == Counter()  # no 4xx/5xx: only answers or a dead connection
    assert sum(burst.errors.values()) > 0  # requests were in flight when it died
    rows = check_database(burst, three_rounds)
    committed_unanswered = rows["registrations"] - len(burst.answers)
    assert 0 <= committed_unanswered <= sum(burst.errors.values())

    # What the sender thread had not sent is still in the outbox. A mail it was sending at the kill
    # is leased for a few minutes (so two senders never send it twice); let that lease run out.
    pending_at_kill = OutboundEmail.objects.filter(sent_at__isnull=True).count()
    leased_at_kill = OutboundEmail.objects.filter(
        sent_at__isnull=True, next_attempt_at__gt=timezone.now()
    ).update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    # A new process on the same database serves again: old private links and new registrations.
    server = start_daphne(mail_dir=tmp_path / "mail-after", env={"EMAIL_DELIVERY": "thread"})
    try:
        told = next(iter(burst.answers.values()))
        token = urlsplit(told["manage_url"]).path.rstrip("/").rsplit("/", 1)[1]
        with urllib.request.urlopen(f"{server.url}/api/v1/registrations/{token}", timeout=10) as response:
            assert json.loads(response.read())["workshops"] == told["workshops"]
        status, _body = post(server.url, registration_payload(99999, email="after@x.example"))
        assert status == 201
        after = OutboundEmail.objects.get(to="after@x.example")
        deadline = time.monotonic() + 30
        while after.sent_at is None and time.monotonic() < deadline:  # the new sender thread sends it
            time.sleep(0.1)
            after.refresh_from_db()
        assert after.sent_at is not None
    finally:
        server.stop()

    out = StringIO()
    call_command("send_outbox", stdout=out)
    assert OutboundEmail.objects.filter(sent_at__isnull=True).count() == 0
    summary = {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[1],
        "clients": CLIENTS,
        "requests_sent": burst.sent,
        "created_201": len(burst.answers),
        "connection_errors_at_kill": dict(burst.errors),
        "committed_without_answer": committed_unanswered,
        "burst_seconds_until_kill": round(burst_seconds, 1),
        "rows_checked": rows,
        "outbox_pending_at_kill": pending_at_kill,
        "outbox_leased_at_kill": leased_at_kill,
        "send_outbox_after_restart": out.getvalue().strip(),
    }
    print("KILL_DURING_BURST " + json.dumps(summary))
