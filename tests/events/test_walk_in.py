"""book_walk_in: a free seat at the door, one booking per round, capacity under concurrent scans."""

import pytest

from checkin.models import CheckIn
from checkin.services import create_device, redeem
from events import services
from events.errors import RegistrationError
from events.models import Booking
from tests.concurrency import race
from tests.support import requires_postgres


def person(event, municipalities, n, workshops=()):
    registration, _token = services.register(
        event=event,
        first_name="Kees",
        last_name=f"Inloop {n}",
        email=f"kees.{n}@walk-in.example",
        role="raadslid",
        municipality=municipalities["GM0363"],
        workshops=list(workshops),
    )
    return registration


@pytest.fixture
def room(programme):
    workshop = programme["small"]  # two seats, round 1
    workshop.allow_walk_ins = True
    workshop.save()
    return workshop


def test_a_walk_in_is_booked(event, municipalities, room):
    attendee = person(event, municipalities, 1)

    booking = services.book_walk_in(attendee, room)

    assert (booking.workshop_id, booking.round_id, booking.status) == (room.pk, room.round_id, "booked")


def test_the_other_booking_in_the_round_is_replaced(event, municipalities, room, programme):
    attendee = person(event, municipalities, 1, workshops=[programme["raad"]])

    services.book_walk_in(attendee, room)

    assert list(Booking.objects.filter(registration=attendee).values_list("workshop_id", flat=True)) == [
        room.pk
    ]


def test_a_booked_walk_in_scanned_again_keeps_the_booking(event, municipalities, room):
    attendee = person(event, municipalities, 1, workshops=[room])
    before = Booking.objects.get(registration=attendee)

    assert services.book_walk_in(attendee, room).pk == before.pk
    assert Booking.objects.count() == 1


def test_no_seat_when_full(event, municipalities, room):
    person(event, municipalities, 1, workshops=[room])
    person(event, municipalities, 2, workshops=[room])
    late = person(event, municipalities, 3)

    with pytest.raises(RegistrationError) as error:
        services.book_walk_in(late, room)

    assert error.value.code == "workshop_full"
    assert not Booking.objects.filter(registration=late).exists()


def test_a_full_room_keeps_the_booking_elsewhere(event, municipalities, room, programme):
    person(event, municipalities, 1, workshops=[room])
    person(event, municipalities, 2, workshops=[room])
    attendee = person(event, municipalities, 3, workshops=[programme["raad"]])

    with pytest.raises(RegistrationError):
        services.book_walk_in(attendee, room)

    assert list(Booking.objects.filter(registration=attendee).values_list("workshop_id", flat=True)) == [
        programme["raad"].pk
    ]


def test_only_where_the_organisers_allow_it(event, municipalities, programme):
    attendee = person(event, municipalities, 1)

    with pytest.raises(RegistrationError) as error:
        services.book_walk_in(attendee, programme["raad"])

    assert error.value.code == "walk_in_not_allowed"


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_ten_walk_ins_for_three_free_seats(event, municipalities, programme):
    workshop = programme["raad"]
    workshop.capacity = 5
    workshop.allow_walk_ins = True
    workshop.save()
    person(event, municipalities, 100, workshops=[workshop])
    person(event, municipalities, 101, workshops=[workshop])
    walk_ins = [person(event, municipalities, n) for n in range(10)]
    devices = [create_device(event=event, name=f"Deur {n}")[0] for n in range(10)]

    results = race(
        lambda i: (
            redeem(event=event, secret=walk_ins[i].badge_secret, device=devices[i], workshop=workshop).status
        ),
        10,
    )

    assert sorted(results) == ["not_booked"] * 7 + ["ok"] * 3
    assert Booking.objects.filter(workshop=workshop, status="booked").count() == 5
    assert CheckIn.objects.filter(workshop=workshop).count() == 3
