"""Checkin answers the core's question "who was there" (events.attendance) from its check-ins:
the entrance, each workshop door, and nothing for a scan that was undone."""

from checkin.services import create_device, redeem, undo
from events import attendance
from events.messaging.services import Audience, recipients
from tests.clock import at


def test_the_core_sees_the_door_scans_through_the_registry(event, programme, make_attendee, time_machine):
    anna = make_attendee(1, programme["raad"], programme["digital"])
    bram = make_attendee(2, programme["raad"])
    entrance, _token = create_device(event=event, name="Ingang")
    door_a, _token = create_device(event=event, name="Deur zaal A", workshop=programme["raad"])
    door_b, _token = create_device(event=event, name="Deur zaal A middag", workshop=programme["digital"])
    assert (attendance.entrance_of(anna), attendance.workshops_of(anna)) == (None, {})

    time_machine.move_to(at(9, 45), tick=False)
    redeem(event=event, secret=anna.badge_secret, device=entrance)
    time_machine.move_to(at(11, 3), tick=False)
    for person in (anna, bram):
        redeem(event=event, secret=person.badge_secret, device=door_a, workshop=programme["raad"])
    time_machine.move_to(at(13, 1), tick=False)
    redeem(event=event, secret=anna.badge_secret, device=door_b, workshop=programme["digital"])
    undo(event=event, secret=anna.badge_secret, device=door_b, workshop=programme["digital"])

    assert attendance.entrance_of(anna) == at(9, 45)
    assert attendance.entrance_of(bram) is None
    assert attendance.entrances([anna.pk, bram.pk]) == {anna.pk: at(9, 45)}
    assert attendance.entrances([]) == {}
    assert attendance.workshops_of(anna) == {programme["raad"].pk: at(11, 3)}
    assert attendance.attendees_of([programme["raad"].pk, programme["digital"].pk]) == {
        (anna.pk, programme["raad"].pk),
        (bram.pk, programme["raad"].pk),
    }
    assert attendance.attendees_of([]) == set()


def test_a_group_of_those_who_arrived_is_found_in_a_fixed_number_of_queries(
    event, programme, make_attendee, django_assert_num_queries
):
    people = [make_attendee(n, programme["raad"]) for n in range(1, 5)]
    entrance, _token = create_device(event=event, name="Ingang")
    for person in people[:2]:
        redeem(event=event, secret=person.badge_secret, device=entrance)

    # The group's ids, their entrance scans, the group itself: not one query per person.
    with django_assert_num_queries(3):
        arrived = recipients(event, Audience(checked_in=True))
    assert [person.pk for person in arrived] == [person.pk for person in people[:2]]
    assert [person.pk for person in recipients(event, Audience(checked_in=False))] == [
        person.pk for person in people[2:]
    ]
