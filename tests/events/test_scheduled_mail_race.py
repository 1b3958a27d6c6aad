"""The due job in two processes at once (PostgreSQL row locks): a scheduled mail is claimed once,
so each attendee gets the reminder once."""

import pytest
import time_machine

from events.messaging import scheduling
from events.messaging.models import GroupMessage, GroupMessageRecipient, ScheduledMail
from events.models import OutboundEmail
from tests.clock import at
from tests.concurrency import race
from tests.support import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_two_senders_at_once_send_a_due_reminder_once(event, programme, make_attendee):
    people = [make_attendee(n, programme["raad"]) for n in range(1, 6)]
    reminder = scheduling.plan_reminder(event)

    with time_machine.travel(at(9, 1, days=-2)):
        results = race(lambda _index: scheduling.send_due(), 2)

    assert sorted(results, key=len) == [[], [reminder.pk]]
    assert ScheduledMail.objects.get().state == "sent"
    assert GroupMessage.objects.count() == 1
    assert GroupMessageRecipient.objects.count() == len(people)
    assert sorted(
        OutboundEmail.objects.filter(kind=scheduling.REMINDER_KIND).values_list("to", flat=True)
    ) == sorted(person.email for person in people)
