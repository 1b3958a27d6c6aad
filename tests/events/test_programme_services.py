"""The programme's rules: changing and cancelling registrations, waitlists, moving and cancelling
workshops. Called through the services, as the API, the pages and the admin do."""

from datetime import timedelta

import pytest

from events import services
from events.errors import RegistrationError, WorkshopError
from events.models import Booking, OutboundEmail, Room, Round, Workshop
from tests.clock import at


@pytest.fixture
def attend(make_attendee):
    return make_attendee


def statuses(workshop: Workshop) -> list[tuple[str, str]]:
    """(last name, status) in waitlist order."""
    return [
        (b.registration.last_name, b.status)
        for b in workshop.bookings.select_related("registration").order_by("created_at", "pk")
    ]


def mails(kind: str) -> list[str]:
    return list(OutboundEmail.objects.filter(kind=kind).order_by("pk").values_list("to", flat=True))


def test_changing_to_a_full_workshop_keeps_the_seat_while_waiting(attend, programme):
    small, raad = programme["small"], programme["raad"]
    attend(1, small), attend(2, small)
    third = attend(3, raad)

    services.change_workshops(third, [small])

    assert statuses(small) == [("1", "booked"), ("2", "booked"), ("3", "waitlisted")]
    assert statuses(raad) == [("3", "booked")]
    waiting = Booking.objects.get(registration=third, workshop=small)
    assert (waiting.swap, waiting.waitlist_position()) == (True, 1)


def test_a_freed_seat_goes_to_the_first_in_line_at_once(attend, programme):
    small = programme["small"]
    first, _second = attend(1, small), attend(2, small)
    attend(3, small), attend(4, small)

    services.change_workshops(first, [programme["raad"]])

    assert statuses(small) == [("2", "booked"), ("3", "booked"), ("4", "waitlisted")]
    assert mails("seat_granted") == ["deelnemer3@x.example"]
    assert Booking.objects.get(registration__last_name="4").waitlist_position() == 1


def test_unchanged_rounds_keep_their_place(attend, programme):
    small = programme["small"]
    attend(1, small), attend(2, small)
    waiting = attend(3, small)

    services.change_workshops(waiting, [small, programme["digital"]])

    assert statuses(small)[-1] == ("3", "waitlisted")
    assert Booking.objects.get(registration=waiting, workshop=small).waitlist_position() == 1
    assert Booking.objects.get(registration=waiting, workshop=programme["digital"]).status == "booked"


def test_choosing_nothing_leaves_the_round_and_a_change_is_confirmed(attend, programme):
    person = attend(1, programme["raad"], programme["digital"])
    services.change_workshops(person, [programme["digital"]])
    assert list(person.bookings.values_list("workshop_id", flat=True)) == [programme["digital"].pk]
    assert mails("registration_changed") == ["deelnemer1@x.example"]


def test_no_change_sends_nothing(attend, programme):
    person = attend(1, programme["raad"])
    services.change_workshops(person, [programme["raad"]])
    assert mails("registration_changed") == []


def test_two_workshops_in_one_round_are_refused(attend, programme):
    person = attend(1)
    with pytest.raises(RegistrationError) as refused:
        services.change_workshops(person, [programme["raad"], programme["small"]])
    assert refused.value.code == "two_workshops_in_round"


def test_a_cancelled_registration_cannot_change(attend, programme):
    person = services.cancel_registration(attend(1, programme["raad"]))
    with pytest.raises(RegistrationError) as refused:
        services.change_workshops(person, [programme["digital"]])
    assert refused.value.code == "registration_cancelled"


def test_cancelling_frees_every_seat_and_promotes(attend, programme, event, municipalities):
    small = programme["small"]
    leaving = attend(1, small, programme["digital"])
    attend(2, small), attend(3, small)

    services.cancel_registration(leaving)
    leaving.refresh_from_db()

    assert (leaving.status, leaving.bookings.count()) == ("cancelled", 0)
    assert leaving.cancelled_at is not None
    assert statuses(small) == [("2", "booked"), ("3", "booked")]
    assert mails("registration_cancelled") == ["deelnemer1@x.example"]
    assert services.cancel_registration(leaving).status == "cancelled"  # twice is harmless
    # The same address may register again.
    again = attend(1)
    assert again.is_confirmed


def test_more_capacity_promotes_the_waitlist_in_order(attend, programme):
    small = programme["small"]
    for n in range(1, 6):
        attend(n, small)

    services.update_workshop(small, capacity=4)

    assert statuses(small) == [
        ("1", "booked"),
        ("2", "booked"),
        ("3", "booked"),
        ("4", "booked"),
        ("5", "waitlisted"),
    ]
    assert mails("seat_granted") == ["deelnemer3@x.example", "deelnemer4@x.example"]
    small.refresh_from_db()
    assert (small.capacity, small.sequence) == (4, 1)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"capacity": 1}, "capacity_below_booked"),
        ({"capacity": 31}, "capacity_exceeds_room"),  # Zaal B has 30 places
    ],
)
def test_capacity_rules(attend, programme, change, code):
    small = programme["small"]
    attend(1, small), attend(2, small)
    with pytest.raises(WorkshopError) as refused:
        services.update_workshop(small, **change)
    assert refused.value.code == code
    small.refresh_from_db()
    assert (small.capacity, small.sequence) == (2, 0)


def test_two_workshops_never_share_a_room_in_one_round(programme):
    with pytest.raises(WorkshopError) as refused:
        services.update_workshop(programme["small"], room=programme["rooms"]["a"])
    assert refused.value.code == "room_taken"


def test_moving_to_a_bigger_room_keeps_the_seats_and_tells_them(attend, programme, event):
    small = programme["small"]
    attend(1, small), attend(2, small), attend(3, small)
    hall_c = Room.objects.create(event=event, name="Zaal C", capacity=60)

    services.update_workshop(small, room=hall_c, capacity=60)

    small.refresh_from_db()
    assert (small.room, small.capacity, small.sequence) == (hall_c, 60, 1)
    assert statuses(small) == [("1", "booked"), ("2", "booked"), ("3", "booked")]
    assert sorted(mails("workshop_changed")) == ["deelnemer1@x.example", "deelnemer2@x.example"]
    assert mails("seat_granted") == ["deelnemer3@x.example"]


def test_moving_to_another_round_releases_only_those_already_busy_then(attend, programme):
    raad, digital = programme["raad"], programme["digital"]
    busy = attend(1, raad, digital)
    free = attend(2, raad)

    services.update_workshop(
        raad, round=programme["rounds"]["second"], room=programme["rooms"]["b"], capacity=30
    )

    raad.refresh_from_db()
    assert raad.round == programme["rounds"]["second"]
    assert list(busy.bookings.values_list("workshop_id", flat=True)) == [digital.pk]
    assert list(free.bookings.values_list("workshop_id", "round_id")) == [
        (raad.pk, programme["rounds"]["second"].pk)
    ]
    assert mails("workshop_moved_away") == ["deelnemer1@x.example"]
    assert mails("workshop_changed") == ["deelnemer2@x.example"]


def test_a_workshop_cannot_move_into_a_plenary_round(programme):
    with pytest.raises(WorkshopError) as refused:
        services.update_workshop(programme["raad"], round=programme["rounds"]["opening"])
    assert refused.value.code == "round_kind"


def test_cancelling_a_workshop_tells_everyone_and_lets_them_choose_again(attend, programme, event):
    small = programme["small"]
    seated = attend(1, small)
    attend(2, small), attend(3, small)

    services.cancel_workshop(small)

    small.refresh_from_db()
    assert (small.status, small.sequence) == ("cancelled", 1)
    assert statuses(small) == [
        ("1", "workshop_cancelled"),
        ("2", "workshop_cancelled"),
        ("3", "workshop_cancelled"),
    ]
    assert sorted(mails("workshop_cancelled")) == [
        "deelnemer1@x.example",
        "deelnemer2@x.example",
        "deelnemer3@x.example",
    ]
    # The room is free for another workshop in that round, and people may choose again.
    Workshop.objects.create(
        slug="vervanger", title="Vervanger", round=small.round, room=small.room, capacity=10
    )
    services.change_workshops(seated, [programme["raad"]])
    assert list(seated.bookings.values_list("workshop_id", "status")) == [(programme["raad"].pk, "booked")]
    with pytest.raises(RegistrationError) as refused:
        services.change_workshops(attend(4), [small])
    assert refused.value.code == "workshop_unavailable"
    assert services.cancel_workshop(small).sequence == 1  # cancelling twice changes nothing


def test_a_cancelled_workshop_cannot_be_moved(programme):
    services.cancel_workshop(programme["small"])
    with pytest.raises(WorkshopError) as refused:
        services.update_workshop(programme["small"], capacity=5)
    assert refused.value.code == "workshop_cancelled"


def test_new_times_for_a_round_move_all_its_workshops(attend, programme):
    attend(1, programme["raad"])
    first = programme["rounds"]["first"]

    services.reschedule_round(first, starts_at=at(11, 30), ends_at=at(12, 30))

    first.refresh_from_db()
    assert (first.starts_at, first.ends_at) == (at(11, 30), at(12, 30))
    assert sorted(Workshop.objects.filter(round=first).values_list("sequence", flat=True)) == [1, 1]
    assert mails("workshop_changed") == ["deelnemer1@x.example"]
    with pytest.raises(WorkshopError):
        services.reschedule_round(first, starts_at=at(12), ends_at=at(12) - timedelta(minutes=1))


def test_rounds_rooms_and_workshops_of_another_event_are_refused(programme, event):
    other = type(event).objects.create(
        slug="ander", name="Ander", date=event.date, venue="Elders", capacity=10
    )
    foreign_room = Room.objects.create(event=other, name="Elders", capacity=50)
    foreign_round = Round.objects.create(event=other, label="R", starts_at=at(11), ends_at=at(12))
    with pytest.raises(WorkshopError):
        services.update_workshop(programme["raad"], room=foreign_room)
    with pytest.raises(WorkshopError):
        services.update_workshop(programme["raad"], round=foreign_round)
