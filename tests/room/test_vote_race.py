"""One attendee voting from two phones at once keeps one vote: real concurrency on PostgreSQL."""

import pytest

from events.room import services
from events.room.models import Vote
from tests.concurrency import race
from tests.support import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_attendee_voting_from_two_phones_at_once_has_one_vote(programme, make_attendee):
    anna = make_attendee(1)
    poll = services.create_poll(programme["raad"], question="Welke eerst?", kind="single", options=["A", "B"])
    services.open_poll(poll)

    for _attempt in range(5):
        results = race(lambda index: services.vote(anna, poll, [index % 2]).choices, 8)
        assert [r for r in results if isinstance(r, Exception)] == []

    assert Vote.objects.filter(poll=poll, registration=anna).count() == 1
    assert services.close_poll(poll).result["votes"] == 1


def test_closing_while_thirty_attendees_vote_stores_what_the_votes_table_holds(programme, make_attendee):
    people = [make_attendee(n) for n in range(30)]
    poll = services.open_poll(services.create_poll(programme["raad"], question="Hoe?", kind="scale"))

    def act(index: int):
        if index == 30:
            return services.close_poll(poll)
        return services.vote(people[index], poll, [index % 5 + 1])

    results = race(act, 31)

    refused = [r for r in results if getattr(r, "code", "") == "poll_not_open"]
    assert [r for r in results if isinstance(r, Exception) and r not in refused] == []
    closed = results[30]
    assert closed.result["votes"] == Vote.objects.filter(poll=poll).count() == 30 - len(refused)
