"""Scheduled mails: the moment ("N days before at HH:MM" on Amsterdam's clock, across DST, following
the event's date), the periodic job that sends a due one exactly once (twice run, after a restart,
cancelled ones never, late ones while the day has not begun), and the built-in reminder's content."""

from contextlib import nullcontext
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from events import outbox
from events.errors import InvalidInput, ServiceError
from events.messaging import scheduling, services
from events.messaging.models import GroupMessage, GroupMessageRecipient, ScheduledMail
from events.messaging.services import Audience
from events.models import Event, OutboundEmail
from tests.clock import AMSTERDAM, at, today
from tests.support import trail


def last_sunday(year: int, month: int) -> date:
    """The day Europe's clocks change (the last Sunday of March or October)."""
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


@pytest.mark.parametrize(("month", "offset_before", "offset_after"), [(3, 1, 2), (10, 2, 1)])
def test_days_before_at_nine_is_nine_on_amsterdams_clock_across_dst(
    event, month, offset_before, offset_after
):
    change = last_sunday(today().year + 1, month)
    # Two days before a Monday after the change is the Saturday before it; before a Tuesday, the Sunday.
    with time_machine.travel(datetime.combine(change - timedelta(days=30), time(12), tzinfo=AMSTERDAM)):
        Event.objects.filter(pk=event.pk).update(date=change + timedelta(days=1))
        event.refresh_from_db()
        before = scheduling.plan(event, days_before=2, time_of_day=time(9, 0)).moment
        Event.objects.filter(pk=event.pk).update(date=change + timedelta(days=2))
        event.refresh_from_db()
        after = ScheduledMail.objects.select_related("event").get().moment

    assert before.astimezone(AMSTERDAM).replace(tzinfo=None) == datetime.combine(
        change - timedelta(days=1), time(9)
    )
    assert before.utcoffset() == timedelta(hours=offset_before)
    # The event moved a day: the stored rule follows it, still at nine, now with the other offset.
    assert after.astimezone(AMSTERDAM).replace(tzinfo=None) == datetime.combine(change, time(9))
    assert after.utcoffset() == timedelta(hours=offset_after)
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(
        hours=24 - (offset_after - offset_before)
    )


def test_an_explicit_moment_stays_where_it_is(event):
    moment = at(18, days=-3)
    planned = scheduling.plan(event, send_at=moment)
    Event.objects.filter(pk=event.pk).update(date=event.date + timedelta(days=7))

    assert ScheduledMail.objects.select_related("event").get(pk=planned.pk).moment == moment


@pytest.mark.parametrize(
    ("options", "errors"),
    [
        ({}, {"send_at": ["Choose days before the event or a moment."]}),
        ({"days_before": 2}, {"time_of_day": ["Say at what time."]}),
        ({"time_of_day": time(9)}, {"days_before": ["Say how many days before the event."]}),
        (
            {"days_before": 2, "time_of_day": time(9), "send_at": at(9, days=-1)},
            {"send_at": ["Choose days before the event or a moment, not both."]},
        ),
        ({"days_before": 400, "time_of_day": time(9)}, {"days_before": ["Between 0 and 365 days."]}),
        ({"days_before": 60, "time_of_day": time(9)}, {"days_before": ["This moment has passed already."]}),
        (
            {"send_at": timezone.now() - timedelta(minutes=1)},
            {"send_at": ["This moment has passed already."]},
        ),
        (
            {"kind": "message", "days_before": 1, "time_of_day": time(9)},
            {"subject": ["Write a subject."], "body": ["Write the message."]},
        ),
        ({"kind": "fax", "days_before": 1, "time_of_day": time(9)}, {"kind": ["Choose what to send."]}),
        (
            {
                "kind": "message",
                "send_at": at(9, days=-1),
                "subject": "Nieuws",
                "body": "Tekst",
                "audience": Audience(extra=(("unknown", "1"),)),
            },
            {"__all__": ["This choice of recipients is not known."]},
        ),
    ],
)
def test_a_plan_that_cannot_be_is_refused_and_nothing_stored(event, options, errors):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        scheduling.plan(event, **options)

    assert refused.value.errors == errors
    assert ScheduledMail.objects.count() == 0


def send_due_at(moment: datetime, capture=None) -> list[int]:
    """The job's round at `moment`; with `capture` (django_capture_on_commit_callbacks) the mails
    it queued are sent then too."""
    with time_machine.travel(moment, tick=False), capture(execute=True) if capture else nullcontext():
        return scheduling.send_due()


def reminder_mails() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=scheduling.REMINDER_KIND).order_by("to"))


def test_a_due_reminder_goes_out_once_however_often_the_job_runs(
    event, programme, make_attendee, django_capture_on_commit_callbacks
):
    people = [make_attendee(n, programme["raad"]) for n in (1, 2)]
    reminder = scheduling.plan_reminder(event)
    mail.outbox.clear()

    assert send_due_at(at(8, 59, days=-2)) == []
    first = send_due_at(at(9, 1, days=-2), django_capture_on_commit_callbacks)
    second = send_due_at(at(9, 2, days=-2), django_capture_on_commit_callbacks)

    reminder.refresh_from_db()
    assert (first, second) == ([reminder.pk], [])
    assert (reminder.state, reminder.recipients, reminder.late) == ("sent", 2, False)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in people)
    message = GroupMessage.objects.get()
    assert (reminder.message, message.practical, message.subject) == (
        message,
        True,
        "Herinnering: Dag van de Lokale Democratie",  # the organisers' record: the site's language
    )
    assert GroupMessageRecipient.objects.filter(message=message).count() == 2
    assert [action for action, *_rest in trail(action="scheduled_mail.sent")] == ["scheduled_mail.sent"]


def test_after_a_restart_the_next_round_sends_a_due_one_and_never_a_claimed_one(
    event, programme, make_attendee
):
    make_attendee(1, programme["raad"])
    due = scheduling.plan(event, send_at=at(12, days=-5))
    claimed = scheduling.plan(event, send_at=at(12, days=-5))
    # Another process holds this one (inside its transaction): it is not ours to send.
    ScheduledMail.objects.filter(pk=claimed.pk).update(state=ScheduledMail.State.SENDING)
    outbox.reset()  # the process that planned them is gone

    with time_machine.travel(at(12, 1, days=-5), tick=False):
        outbox.run_periodic()  # a new process's first round

    assert dict(ScheduledMail.objects.values_list("pk", "state")) == {due.pk: "sent", claimed.pk: "sending"}
    assert len(reminder_mails()) == 1


def test_a_cancelled_mail_is_never_sent_and_a_sent_one_cannot_be_cancelled(event, programme, make_attendee):
    make_attendee(1, programme["raad"])
    cancelled = scheduling.plan_reminder(event)
    sent = scheduling.plan(event, send_at=at(12, days=-3))
    scheduling.cancel(cancelled)
    send_due_at(at(12, days=-1))

    with pytest.raises(ServiceError) as refused:
        scheduling.cancel(sent)

    assert refused.value.code == "scheduled_mail_not_planned"
    assert dict(ScheduledMail.objects.values_list("pk", "state")) == {
        cancelled.pk: "cancelled",
        sent.pk: "sent",
    }
    assert len(reminder_mails()) == 1
    with pytest.raises(ServiceError):
        scheduling.cancel(cancelled)


def test_late_is_still_sent_before_the_doors_open_and_missed_after(event, programme, make_attendee):
    Event.objects.filter(pk=event.pk).update(doors_open_at=time(9, 30))
    event.refresh_from_db()
    make_attendee(1, programme["raad"])
    late = scheduling.plan_reminder(event)
    missed = scheduling.plan(event, send_at=at(9, 20))

    # The servers were down from the reminder's moment until the morning of the day.
    send_due_at(at(9, 15))
    send_due_at(at(9, 31))

    late.refresh_from_db()
    missed.refresh_from_db()
    assert (late.state, late.late) == ("sent", True)
    assert (missed.state, missed.recipients, missed.message) == ("missed", 0, None)
    assert len(reminder_mails()) == 1


def test_a_scheduled_message_goes_to_the_group_as_it_is_at_its_moment(
    event, programme, make_attendee, django_capture_on_commit_callbacks
):
    make_attendee(1, programme["raad"])
    services.opt_out(make_attendee(2, programme["raad"]))
    make_attendee(3, programme["small"])
    planned = scheduling.plan(
        event,
        kind="message",
        send_at=at(17, days=-1),
        subject="  Zaal   5 ",
        body="We zitten in **zaal 5**.",
        audience=Audience(workshop=programme["raad"].pk),
    )
    # Registered after the plan, before its moment: in the group when it goes out.
    late_comer = make_attendee(4, programme["raad"])
    mail.outbox.clear()

    send_due_at(at(17, 1, days=-1), django_capture_on_commit_callbacks)

    message = GroupMessage.objects.get()
    assert (message.subject, message.left_out, message.audience) == (
        "Zaal 5",
        1,
        {"workshop": programme["raad"].pk},
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["deelnemer1@x.example", late_comer.email]
    assert all("zaal 5" in m.body for m in mail.outbox)
    assert ScheduledMail.objects.get(pk=planned.pk).recipients == 2


def test_nobody_to_send_to_is_sent_to_nobody(event):
    planned = scheduling.plan_reminder(event)
    send_due_at(at(9, 0, days=-2))

    planned.refresh_from_db()
    assert (planned.state, planned.recipients, planned.message) == ("sent", 0, None)


def reminder_for(event, programme, make_attendee, django_capture_on_commit_callbacks, **fields):
    Event.objects.filter(pk=event.pk).update(
        doors_open_at=time(9, 30),
        venue_route="Trein tot Amersfoort Centraal, dan tien minuten lopen.",
        contact_phone="033 123 45 67",
    )
    event.refresh_from_db()
    person = make_attendee(1, programme["raad"], **fields)
    services.opt_out(person)  # the reminder is practical: it still comes
    scheduling.plan_reminder(event)
    mail.outbox.clear()
    send_due_at(at(9, 0, days=-2), django_capture_on_commit_callbacks)
    [sent] = mail.outbox
    return person, sent


def test_the_reminder_carries_badge_programme_calendar_route_and_doors(
    event, programme, make_attendee, django_capture_on_commit_callbacks
):
    person, sent = reminder_for(event, programme, make_attendee, django_capture_on_commit_callbacks)
    html = sent.alternatives[0][0]
    attachments = {
        name: kind for name, _content, kind in (a for a in sent.attachments if isinstance(a, tuple))
    }
    images = [part for part in sent.attachments if not isinstance(part, tuple)]

    assert sent.subject == "Herinnering: Dag van de Lokale Democratie"
    assert sent.to == [person.email]
    assert attachments == {f"{person.reference}.ics": "text/calendar"}
    assert [(image.get_content_type(), image.get_filename(), image["Content-ID"]) for image in images] == [
        ("image/png", f"badge-{person.reference}.png", "<badge>")
    ]
    assert 'src="cid:badge"' in html
    for text in (sent.body, html):
        assert "De deuren gaan open om 09:30." in text
        assert "Trein tot Amersfoort Centraal, dan tien minuten lopen." in text
        assert f"/r/{person.manage_token}/" in text
        assert "11:00–12:00" in text and "Sterke Raad" in text  # in Amsterdam time
    assert "- 11:00–12:00 Sterke Raad (Zaal A)" in sent.body
    assert "/berichten/afmelden/" not in sent.body
    assert "List-Unsubscribe" not in sent.extra_headers


def test_the_reminder_is_in_the_persons_language(
    event, programme, make_attendee, django_capture_on_commit_callbacks
):
    _person, sent = reminder_for(
        event, programme, make_attendee, django_capture_on_commit_callbacks, language="en"
    )

    assert sent.subject == "Reminder: Dag van de Lokale Democratie"
    assert "Doors open at 09:30." in sent.body
    assert "A reminder: you are expected at Dag van de Lokale Democratie" in sent.body
