"""The tables of a slot under concurrent acceptances: real row locks on PostgreSQL."""

import pytest

from networking.errors import MeetingError
from networking.meetings import services
from networking.models import Meeting, MeetingSlot, MeetingTable
from tests.clock import at
from tests.concurrency import race
from tests.factories import attendee
from tests.support import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_two_acceptances_for_the_last_table_one_wins_the_other_is_offered_another_slot(event, programme):
    lunch = MeetingSlot.objects.create(event=event, starts_at=at(12, 15), ends_at=at(12, 30))
    later = MeetingSlot.objects.create(event=event, starts_at=at(12, 30), ends_at=at(12, 45))
    tables = [MeetingTable.objects.create(event=event, number=n) for n in (1, 2)]
    people = [attendee(event, f"Persoon {n}")[0] for n in range(6)]
    first = services.request_meeting(requester=people[0], invitee_id=people[1].pk, slot_id=lunch.pk)
    services.accept_meeting(registration=people[1], meeting_id=first.pk)  # one table left
    requests = [
        services.request_meeting(requester=people[n], invitee_id=people[n + 1].pk, slot_id=lunch.pk)
        for n in (2, 4)
    ]

    def accept(index: int):
        return services.accept_meeting(registration=requests[index].invitee, meeting_id=requests[index].pk)

    results = race(accept, 2)

    won = [result for result in results if isinstance(result, Meeting)]
    lost = [result for result in results if isinstance(result, MeetingError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert won[0].table == tables[1]
    assert (lost[0].code, lost[0].alternatives) == ("no_table", [later])
    assert sorted(
        Meeting.objects.filter(slot=lunch, state="accepted").values_list("table__number", flat=True)
    ) == [1, 2]
    assert Meeting.objects.filter(slot=lunch, state="requested").count() == 1


def test_one_person_accepting_two_requests_for_one_slot_at_once_keeps_one(event, programme):
    lunch = MeetingSlot.objects.create(event=event, starts_at=at(12, 15), ends_at=at(12, 30))
    for n in (1, 2, 3):
        MeetingTable.objects.create(event=event, number=n)
    anna, bram, carla = (attendee(event, name)[0] for name in ("Anna Bakker", "Bram de Wit", "Carla Smit"))
    # Anna asked by both; she accepts both at once (two tabs).
    requests = [
        services.request_meeting(requester=person, invitee_id=anna.pk, slot_id=lunch.pk)
        for person in (bram, carla)
    ]

    results = race(lambda index: services.accept_meeting(registration=anna, meeting_id=requests[index].pk), 2)

    assert sorted(type(result).__name__ for result in results) == ["Meeting", "MeetingError"]
    assert [result.code for result in results if isinstance(result, MeetingError)] == ["busy"]
    assert Meeting.objects.filter(slot=lunch, state="accepted").count() == 1
