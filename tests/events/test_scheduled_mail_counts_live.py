"""The dashboard's scheduled-mail counts are live: planning, cancelling and sending a scheduled mail,
and each of its recipients' mails going out or failing for good, publish the edition's new counts
to its dashboard group after the commit (and nothing for a rollback or another group's mails)."""

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from events import live, outbox
from events.messaging import scheduling, services
from events.messaging.models import GroupMessageRecipient
from events.messaging.services import Audience
from events.models import OutboundEmail
from tests.clock import at
from tests.mail_backends import FAILING
from tests.sockets import Heard

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def counts(heard: Heard) -> list[dict]:
    return [m["scheduled_mails"] for m in heard.messages() if m["type"] == "scheduled_mails"]


def figures(planned=0, next_at=None, queued=0, sent=0, failed=0) -> dict:
    return {"planned": planned, "next_at": next_at, "queued": queued, "sent": sent, "failed": failed}


def test_planning_and_cancelling_publish_the_planned_count_after_commit(
    event, django_capture_on_commit_callbacks
):
    heard = Heard(live.dashboard(event.pk))
    with django_capture_on_commit_callbacks(execute=True):
        first = scheduling.plan(event, send_at=at(12, days=-5))
    assert counts(heard) == [figures(planned=1, next_at=first.moment.isoformat())]

    with django_capture_on_commit_callbacks(execute=True):
        second = scheduling.plan_reminder(event)
    assert counts(heard) == [figures(planned=2, next_at=first.moment.isoformat())]

    with django_capture_on_commit_callbacks(execute=True):
        scheduling.cancel(first)
    assert counts(heard) == [figures(planned=1, next_at=second.moment.isoformat())]


def test_a_plan_rolled_back_publishes_nothing(event, django_capture_on_commit_callbacks):
    heard = Heard(live.dashboard(event.pk))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        scheduling.plan(event, send_at=at(12, days=-5))
        transaction.set_rollback(True)
    assert counts(heard) == []


def test_sending_then_each_mail_sent_or_failed_moves_the_counts(
    event, programme, make_attendee, settings, django_capture_on_commit_callbacks
):
    people = [make_attendee(n, programme["raad"]) for n in (1, 2)]
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.plan(event, send_at=at(12, days=-5))
    settings.EMAIL_BACKEND = FAILING  # the first attempt of both fails: nothing sent or failed yet

    with time_machine.travel(at(12, 1, days=-5), tick=False):
        heard = Heard(live.dashboard(event.pk))  # (the layer forgets members after a day)
        with django_capture_on_commit_callbacks(execute=True):
            scheduling.send_due()
        assert counts(heard) == [figures(queued=2)]
    heard = Heard(live.dashboard(event.pk))

    rows = {row.registration_id: row.email for row in GroupMessageRecipient.objects.select_related("email")}
    settings.EMAIL_BACKEND = LOCMEM
    OutboundEmail.objects.filter(pk=rows[people[0].pk].pk).update(next_attempt_at=timezone.now())
    assert outbox.deliver(rows[people[0].pk].pk) is True
    assert counts(heard) == [figures(queued=1, sent=1)]

    settings.EMAIL_BACKEND = FAILING
    last = rows[people[1].pk]
    OutboundEmail.objects.filter(pk=last.pk).update(
        attempts=outbox.MAX_ATTEMPTS - 2, next_attempt_at=timezone.now()
    )
    assert outbox.deliver(last.pk) is False  # not the last attempt yet: the counts stay
    assert counts(heard) == []
    OutboundEmail.objects.filter(pk=last.pk).update(next_attempt_at=timezone.now())
    assert outbox.deliver(last.pk) is False  # the last one: failed for good
    assert counts(heard) == [figures(sent=1, failed=1)]


def test_a_missed_mail_leaves_the_planned_count(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.plan(event, send_at=at(12, days=-5))

    with time_machine.travel(at(12, days=1), tick=False):  # the day has begun
        heard = Heard(live.dashboard(event.pk))
        with django_capture_on_commit_callbacks(execute=True):
            scheduling.send_due()
        assert counts(heard) == [figures()]


def test_a_message_to_a_group_not_scheduled_publishes_no_counts(
    event, programme, make_attendee, settings, django_capture_on_commit_callbacks
):
    make_attendee(1, programme["raad"])
    settings.GROUP_MAIL_RATE_PER_MINUTE = 0
    heard = Heard(live.dashboard(event.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.send_to_group(event, subject="Zaal 5", body="Welkom", audience=Audience())

    assert OutboundEmail.objects.filter(sent_at__isnull=False).count() == 1
    assert counts(heard) == []


@pytest.fixture(autouse=True)
def _no_stale_group_mails():
    yield
    outbox.reset()
