"""Scheduled mails: the built-in reminder or a message to a group, sent by the outbox at a planned
moment without a cron job.

Every round of each process's retry loop runs `send_due` (an `outbox.periodic` job). A due mail
is claimed with a conditional update (planned → sending) in the same transaction that fixes its
recipients, queues their mails (throttled, with delivery rows, through services.queue_to_group)
and marks it sent: of several processes exactly one sends it, and a process that dies halfway
leaves it planned for the next round (a restart sends it; nothing is sent twice).

Late: a mail whose moment passed while no server ran is still sent as long as the day has not
begun (the doors have not opened), and marked late on the page; once the day has begun a reminder
is no use, so it is not sent and the page says so (state missed).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import audit, live, outbox, times
from events.errors import InvalidInput, ServiceError
from events.messaging import services
from events.messaging.models import ScheduledMail
from events.messaging.services import Audience
from events.models import Event, OutboundEmail

REMINDER_KIND = outbox.throttled("event_reminder")
# The reminder preset: two days before the day, at nine in the morning.
REMINDER_DAYS_BEFORE = 2
REMINDER_TIME = time(9, 0)
# Sent more than this after its moment: marked late.
LATE = timedelta(hours=1)
MAX_DAYS_BEFORE = 365

audit.describe(
    {
        "scheduled_mail.planned": gettext_lazy("Mail scheduled"),
        "scheduled_mail.cancelled": gettext_lazy("Scheduled mail cancelled"),
        "scheduled_mail.sent": gettext_lazy("Scheduled mail sent"),
        "scheduled_mail.missed": gettext_lazy("Scheduled mail not sent: the day had begun"),
    }
)


def event_begins(event: Event) -> datetime:
    """When the day begins for a reminder: the doors open (or midnight), on the event's clock."""
    return datetime.combine(event.date, event.doors_open_at or time(0), tzinfo=ZoneInfo(event.timezone))


def reminder_subject(event: Event) -> str:
    return _("Reminder: %(event)s") % {"event": event.name}


def plan(
    event: Event,
    *,
    kind: str = ScheduledMail.Kind.REMINDER,
    days_before: int | None = None,
    time_of_day: time | None = None,
    send_at: datetime | None = None,
    subject: str = "",
    body: str = "",
    audience: Audience | None = None,
    practical: bool = False,
    by=None,
) -> ScheduledMail:
    """Plan a mail "`days_before` days before the event at `time_of_day`" or at `send_at` (one of
    the two), in the future. A reminder goes to every confirmed attendee, also those who opted out
    of messages (it is practical); a message to a group as the composer would send it."""
    errors: dict[str, list[str]] = {}
    relative = days_before is not None or time_of_day is not None
    if relative and send_at is not None:
        errors["send_at"] = [_("Choose days before the event or a moment, not both.")]
    elif relative:
        if days_before is None:
            errors["days_before"] = [_("Say how many days before the event.")]
        elif not 0 <= days_before <= MAX_DAYS_BEFORE:
            errors["days_before"] = [_("Between 0 and %(max)d days.") % {"max": MAX_DAYS_BEFORE}]
        if time_of_day is None:
            errors["time_of_day"] = [_("Say at what time.")]
    elif send_at is None:
        errors["send_at"] = [_("Choose days before the event or a moment.")]
    if kind == ScheduledMail.Kind.MESSAGE:
        try:
            subject, body = services.check(subject, body)
        except InvalidInput as error:
            errors.update(error.errors)
        try:  # a choice of recipients that is not known now would fail at its moment
            services.recipients(event, audience or Audience(), practical=practical)
        except InvalidInput as error:
            errors.update(error.errors)
    elif kind == ScheduledMail.Kind.REMINDER:
        subject, body, audience, practical = "", "", Audience(), True
    else:
        errors["kind"] = [_("Choose what to send.")]
    mail = ScheduledMail(
        event=event,
        kind=kind,
        subject=subject,
        body=body,
        audience=(audience or Audience()).filters(),
        practical=practical,
        days_before=days_before if relative else None,
        time_of_day=time_of_day if relative else None,
        send_at=None if relative else send_at,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    if not errors and mail.moment <= timezone.now():
        errors["send_at" if send_at is not None else "days_before"] = [_("This moment has passed already.")]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        mail.save()
        audit.log(mail, "scheduled_mail.planned", data={"kind": kind, "moment": mail.moment.isoformat()})
        publish_counts_after_commit(event.pk)
    return mail


def plan_reminder(event: Event, by=None) -> ScheduledMail:
    """The one-click preset: the built-in reminder two days before the day, at 09:00."""
    return plan(event, days_before=REMINDER_DAYS_BEFORE, time_of_day=REMINDER_TIME, by=by)


def cancel(mail: ScheduledMail) -> None:
    """Cancel a planned mail; once it is being sent or sent, it cannot be (coded error)."""
    with transaction.atomic():
        if not ScheduledMail.objects.filter(pk=mail.pk, state=ScheduledMail.State.PLANNED).update(
            state=ScheduledMail.State.CANCELLED
        ):
            raise ServiceError("scheduled_mail_not_planned", _("This mail is no longer planned."))
        audit.log(mail, "scheduled_mail.cancelled")
        publish_counts_after_commit(mail.event_id)


def send_due(now: datetime | None = None) -> list[int]:
    """Send every planned mail whose moment has come; returns the ids this call sent (or missed).
    Idempotent and safe in several processes at once: each mail is claimed once."""
    now = now or timezone.now()
    planned = ScheduledMail.objects.filter(state=ScheduledMail.State.PLANNED).select_related("event")
    return [mail.pk for mail in planned if mail.moment <= now and _send(mail.pk, now)]


def _send(mail_id: int, now: datetime) -> bool:
    with transaction.atomic():
        if not ScheduledMail.objects.filter(pk=mail_id, state=ScheduledMail.State.PLANNED).update(
            state=ScheduledMail.State.SENDING
        ):
            return False  # another process has it, or it was cancelled meanwhile
        mail = ScheduledMail.objects.select_related("event").get(pk=mail_id)
        event = mail.event
        publish_counts_after_commit(event.pk)  # planned one fewer: missed, or sent with its mails queued
        if now >= event_begins(event):
            mail.state = ScheduledMail.State.MISSED
            mail.save(update_fields=["state"])
            audit.log(mail, "scheduled_mail.missed")
            return True
        audience = Audience.from_filters(mail.audience)
        people = services.recipients(event, audience, practical=mail.practical)
        if people:
            reminder = mail.kind == ScheduledMail.Kind.REMINDER
            mail.message = services.queue_to_group(
                event,
                people,
                subject=reminder_subject(event) if reminder else mail.subject,
                body=mail.body,
                audience=audience,
                practical=mail.practical,
                left_out=services.left_out(event, audience, practical=mail.practical),
                by=mail.created_by,
                kind=REMINDER_KIND if reminder else services.KIND,
            )
        mail.state = ScheduledMail.State.SENT
        mail.recipients = len(people)
        mail.sent_at = now
        mail.late = now - mail.moment > LATE
        mail.save(update_fields=["state", "recipients", "message", "sent_at", "late"])
        audit.log(mail, "scheduled_mail.sent", data={"recipients": len(people), "late": mail.late})
    return True


outbox.periodic(send_due)


# Counts for the organisers' pages and the dashboard ---------------------------------------------

DELIVERIES = "message__deliveries"
SENT_MAIL = Q(message__deliveries__email__sent_at__isnull=False)
FAILED_MAIL = Q(message__deliveries__isnull=False, message__deliveries__email__isnull=True) | Q(
    message__deliveries__email__sent_at__isnull=True,
    message__deliveries__email__attempts__gte=outbox.MAX_ATTEMPTS,
)


@dataclass(frozen=True)
class Counts:
    queued: int = 0
    sent: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Listed:
    mail: ScheduledMail
    counts: Counts  # its recipients' mails waiting, sent and failed


def listing(event: Event) -> list[Listed]:
    """The event's scheduled mails, soonest first, each with its recipients' delivery counts (one
    query, however many mails and recipients)."""
    mails = (
        ScheduledMail.objects.filter(event=event)
        .select_related("event")
        .annotate(
            total=Count(DELIVERIES),
            sent=Count(DELIVERIES, filter=SENT_MAIL),
            failed=Count(DELIVERIES, filter=FAILED_MAIL),
        )
    )
    return [
        Listed(mail, Counts(queued=mail.total - mail.sent - mail.failed, sent=mail.sent, failed=mail.failed))
        for mail in sorted(mails, key=lambda mail: (mail.moment, mail.pk))
    ]


def dashboard_figures(event: Event) -> dict:
    """The dashboard's counts: scheduled mails still planned (and the next moment), and of those
    sent, the recipients' mails waiting, sent and failed."""
    listed = listing(event)
    planned = [item.mail.moment for item in listed if item.mail.state == ScheduledMail.State.PLANNED]
    return {
        "planned": len(planned),
        "next_at": times.iso(min(planned)) if planned else None,
        "queued": sum(item.counts.queued for item in listed),
        "sent": sum(item.counts.sent for item in listed),
        "failed": sum(item.counts.failed for item in listed),
    }


# Live counts: open dashboards follow them (the `scheduled_mails` event, read by
# events/static/events/dashboard-scheduled.js) --------------------------------------------------


def counts_message(event: Event) -> dict:
    return {"type": "scheduled_mails", "scheduled_mails": dashboard_figures(event)}


def publish_counts(event_id: int) -> None:
    """The event's counts to its dashboards, after a commit (nothing when the event is gone)."""
    event = Event.objects.filter(pk=event_id).first()
    if event is not None:
        live.publish(live.dashboard(event_id), counts_message(event))


def publish_counts_after_commit(event_id: int) -> None:
    transaction.on_commit(lambda: publish_counts(event_id))


def mail_done(email: OutboundEmail) -> None:
    """The outbox sent one of a group's mails or gave up on it: when the group is a scheduled
    mail's, its edition's counts changed."""
    event_id = (
        ScheduledMail.objects.filter(message__deliveries__email_id=email.pk)
        .values_list("event_id", flat=True)
        .first()
    )
    if event_id is not None:
        publish_counts(event_id)


outbox.on_done([REMINDER_KIND, services.KIND], mail_done)
