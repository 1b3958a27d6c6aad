"""A workshop's revision is raised in the transaction of every change its live events announce, so
the figures read with it are its own: of two events about a workshop, the higher revision is the
newer (the pages keep it when two processes' events arrive crosswise)."""

import threading

import pytest
from django.db import connection

from checkin.selectors import stats
from events import live, services
from events.models import Workshop
from tests.concurrency import race
from tests.support import requires_postgres


def revision(workshop: Workshop) -> int:
    return Workshop.objects.values_list("revision", flat=True).get(pk=workshop.pk)


def heard(workshop: Workshop) -> dict:
    [(_groups, message)] = live.workshop_messages([workshop.pk])
    return message["workshop"]


@pytest.mark.django_db
def test_a_booking_raises_the_revision_its_event_carries(programme, make_attendee):
    small, raad = programme["small"], programme["raad"]

    make_attendee(1, small)
    make_attendee(2, small)

    assert (revision(small), revision(raad)) == (2, 0)
    assert (heard(small)["revision"], heard(small)["booked"]) == (2, 2)
    assert heard(raad)["revision"] == 0


@pytest.mark.django_db
def test_a_cancellation_a_move_and_the_waitlist_raise_it(programme, make_attendee, event):
    small = programme["small"]
    first, _second, third = (make_attendee(n, small) for n in (1, 2, 3))  # the third waits
    assert revision(small) == 3

    services.cancel_registration(first)  # the seat goes to the third in the same change
    assert (revision(small), heard(small)["booked"], heard(small)["waitlisted"]) == (4, 2, 0)

    services.cancel_workshop(Workshop.objects.get(pk=small.pk))
    assert (revision(small), heard(small)["status"]) == (5, "cancelled")
    assert third.bookings.get().status == "workshop_cancelled"


@pytest.mark.django_db
def test_saving_a_copy_read_before_a_booking_keeps_the_newer_revision(programme, make_attendee):
    """As the admin or the planning board saves a workshop it loaded a moment before."""
    raad = Workshop.objects.get(pk=programme["raad"].pk)
    make_attendee(1, raad)

    raad.title = "Raadsvergadering van de toekomst"
    raad.save()

    assert revision(raad) == 1
    assert Workshop.objects.get(pk=raad.pk).title == "Raadsvergadering van de toekomst"


@pytest.mark.django_db
def test_the_dashboard_snapshot_carries_each_workshops_revision(programme, make_attendee, event):
    make_attendee(1, programme["small"])

    revisions = {row["id"]: row["revision"] for row in stats(event)["workshops"]}

    assert revisions[programme["small"].pk] == 1
    assert revisions[programme["raad"].pk] == 0


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_figures_read_during_a_rush_never_mix_revisions(programme, make_attendee):
    """Twenty registrations at once while a reader builds the workshop's event over and over: each
    registration adds one booking and one revision, so every event read says booked == revision.
    Raised outside the booking's transaction, a reader would see one without the other."""
    raad = programme["raad"]
    done = threading.Event()
    read: list[tuple[int, int]] = []

    def reader() -> None:
        try:
            while not done.is_set():
                workshop = heard(raad)
                read.append((workshop["revision"], workshop["booked"]))
        finally:
            connection.close()

    watching = threading.Thread(target=reader)
    watching.start()
    try:
        results = race(lambda index: make_attendee(index, raad).pk, 20)
    finally:
        done.set()
        watching.join()

    assert [r for r in results if isinstance(r, Exception)] == []
    assert (revision(raad), heard(raad)["booked"]) == (20, 20)
    assert len(read) > 1
    assert [(number, booked) for number, booked in read if number != booked] == []
