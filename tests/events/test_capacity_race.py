"""Capacity under concurrency: real row locks on PostgreSQL."""

import pytest

from events.models import Booking, Registration
from tests.concurrency import race
from tests.support import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_thirty_threads_for_two_seats_book_exactly_two(programme, make_attendee):
    small = programme["small"]

    results = race(lambda index: make_attendee(index, small).pk, 30)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Booking.objects.filter(workshop=small, status="booked").count() == 2
    assert Booking.objects.filter(workshop=small, status="waitlisted").count() == 28
    positions = sorted(
        b.waitlist_position() for b in Booking.objects.filter(workshop=small, status="waitlisted")
    )
    assert positions == list(range(1, 29))


def test_thirty_desks_with_one_proven_email_register_once(programme, make_attendee):
    """A proven address has one registration (unproven ones may share it until one is proven)."""
    results = race(lambda index: make_attendee(index, email="zelfde@race.example", proven=True), 30)

    codes = sorted(getattr(r, "code", "created") for r in results)
    assert codes == ["created"] + ["email_taken"] * 29
    assert Registration.objects.count() == 1


def test_event_capacity_holds_under_concurrency(programme, event, make_attendee):
    event.capacity = 5
    event.save()

    results = race(make_attendee, 30)

    assert sorted(getattr(r, "code", "created") for r in results) == ["created"] * 5 + ["event_full"] * 25
    assert Registration.objects.count() == 5
