"""Capacity under concurrency: real row locks on PostgreSQL."""

import pytest

from events import services
from events.models import Booking, Registration
from tests.concurrency import race
from tests.conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_thirty_threads_for_two_seats_book_exactly_two(programme, event, municipalities):
    small = programme["small"]

    def register(index: int):
        registration, _token = services.register(
            event=event,
            first_name="Deelnemer",
            last_name=str(index),
            email=f"d{index}@race.example",
            role="ambtenaar",
            municipality=municipalities["GM0307"],
            workshops=[small],
        )
        return registration.pk

    results = race(register, 30)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Booking.objects.filter(workshop=small, status="booked").count() == 2
    assert Booking.objects.filter(workshop=small, status="waitlisted").count() == 28
    positions = sorted(
        b.waitlist_position() for b in Booking.objects.filter(workshop=small, status="waitlisted")
    )
    assert positions == list(range(1, 29))


def test_thirty_threads_with_one_email_register_once(programme, event, municipalities):
    def register(index: int):
        return services.register(
            event=event,
            first_name="Dubbel",
            last_name=str(index),
            email="zelfde@race.example",
            role="raadslid",
            municipality=municipalities["GM0307"],
        )

    results = race(register, 30)

    codes = sorted(getattr(r, "code", "created") for r in results)
    assert codes == ["created"] + ["email_taken"] * 29
    assert Registration.objects.count() == 1


def test_event_capacity_holds_under_concurrency(programme, event, municipalities):
    event.capacity = 5
    event.save()

    def register(index: int):
        return services.register(
            event=event,
            first_name="Vol",
            last_name=str(index),
            email=f"vol{index}@race.example",
            role="raadslid",
            municipality=municipalities["GM0307"],
        )

    results = race(register, 30)

    assert sorted(getattr(r, "code", "created") for r in results) == ["created"] * 5 + ["event_full"] * 25
    assert Registration.objects.count() == 5
