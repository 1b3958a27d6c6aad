"""The waitlist under concurrency (PostgreSQL row locks): never over capacity, first come first served."""

import pytest

from events import services
from events.models import Booking
from tests.concurrency import race
from tests.support import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_clients_for_the_last_five_seats(make_attendee, programme):
    workshop = programme["raad"]
    workshop.capacity = 10
    workshop.save()
    for n in range(5):
        make_attendee(n, workshop)
    racers = [make_attendee(100 + n) for n in range(50)]

    results = race(lambda i: services.change_workshops(racers[i], [workshop]), 50)

    assert [r for r in results if isinstance(r, Exception)] == []
    booked = Booking.objects.filter(workshop=workshop, status="booked")
    waitlisted = list(
        Booking.objects.filter(workshop=workshop, status="waitlisted").order_by("created_at", "pk")
    )
    assert booked.count() == 10
    assert len(waitlisted) == 45
    # Arrival order: the order in which the workshop lock was granted is the order of the rows,
    # and every waiting booking arrived after every seated one.
    assert [b.waitlist_position() for b in waitlisted] == list(range(1, 46))
    assert [b.pk for b in waitlisted] == sorted(b.pk for b in waitlisted)
    assert max(booked.values_list("created_at", flat=True)) <= waitlisted[0].created_at


def test_leaving_and_joining_at_once_never_overbooks(make_attendee, programme):
    """10 of 20 seated people leave while 20 others join the same workshop: seats never exceed
    capacity, and at the end every free seat has gone to someone waiting."""
    workshop = programme["small"]
    workshop.capacity = 20
    workshop.save()
    seated = [make_attendee(n, workshop) for n in range(20)]
    joining = [make_attendee(100 + n) for n in range(20)]

    def act(i: int):
        if i < 10:
            return services.cancel_registration(seated[i])
        return services.change_workshops(joining[i - 10], [workshop])

    results = race(act, 30)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Booking.objects.filter(workshop=workshop, status="booked").count() == 20
    assert Booking.objects.filter(workshop=workshop, status="waitlisted").count() == 10


def test_capacity_changes_race_with_registrations(make_attendee, programme):
    workshop = programme["small"]  # two seats, room of 30
    for n in range(6):
        make_attendee(n, workshop)

    def act(i: int):
        if i < 10:
            return services.update_workshop(workshop, capacity=2 + i)  # grows while others join
        return make_attendee(200 + i, workshop)

    results = race(act, 20)

    errors = [r for r in results if isinstance(r, Exception)]
    assert all(getattr(e, "code", None) == "capacity_below_booked" for e in errors)
    workshop.refresh_from_db()
    booked = Booking.objects.filter(workshop=workshop, status="booked").count()
    waiting = Booking.objects.filter(workshop=workshop, status="waitlisted").count()
    assert booked <= workshop.capacity
    assert waiting == 0 or booked == workshop.capacity
