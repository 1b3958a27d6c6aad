"""Messages to a group. Part of the events app (imported by events.models)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SUBJECT_MAX_LENGTH = 150
BODY_MAX_LENGTH = 5000


class GroupMessage(models.Model):
    """One message an organiser sent to a group. Its audience was fixed when sent: one outbox mail
    per recipient (context `{"message": id}`), so someone who registers later is not added."""

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="group_messages", verbose_name=_("event")
    )
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    # The filters as chosen ({"workshop": id, "role": …}): what the trail and the page show.
    audience = models.JSONField(_("recipients"), default=dict, blank=True)
    recipients = models.PositiveIntegerField(_("number of recipients"), default=0)
    # Practical (about their bookings): reaches those who opted out of messages as well.
    practical = models.BooleanField(_("practical, about their bookings"), default=False)
    # Those matching the filters left out because they opted out of messages.
    left_out = models.PositiveIntegerField(_("left out (opted out)"), default=0)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    # The page's form carries a fresh one: a second click on "send" (or a resubmitted form) finds
    # the message already sent instead of mailing everyone twice.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("message to a group")
        verbose_name_plural = _("messages to a group")

    def __str__(self) -> str:
        return self.subject


class GroupMessageRecipient(models.Model):
    """One person a message was sent to, fixed when it was sent, with its outbox mail: the state of
    its delivery (queued, sent, failed with the error) is that mail's (see `state`)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    message = models.ForeignKey(
        GroupMessage, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("message")
    )
    registration = models.ForeignKey(
        "events.Registration", on_delete=models.CASCADE, related_name="+", verbose_name=_("registration")
    )
    email = models.ForeignKey(
        "events.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["message", "pk"]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(fields=["message", "registration"], name="group_message_recipient_once")
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.registration_id}"

    @property
    def state(self) -> str:
        from events.outbox import MAX_ATTEMPTS

        email = self.email
        if email is None or (email.sent_at is None and email.attempts >= MAX_ATTEMPTS):
            return self.State.FAILED
        return self.State.SENT if email.sent_at is not None else self.State.QUEUED

    @property
    def error(self) -> str:
        return self.email.last_error if self.email is not None and self.email.sent_at is None else ""


class MessageOptOut(models.Model):
    """An attendee who wants no non-essential messages to a group (their own page, or the one-click
    link in such a mail). Practical messages and the mails about their own bookings still come."""

    registration = models.OneToOneField(
        "events.Registration", on_delete=models.CASCADE, related_name="message_opt_out"
    )
    opted_out_at = models.DateTimeField(_("opted out at"), default=timezone.now)

    class Meta:
        verbose_name = _("opt-out of messages")
        verbose_name_plural = _("opt-outs of messages")

    def __str__(self) -> str:
        return str(self.registration_id)


class ScheduledMail(models.Model):
    """A mail the outbox sends to the attendees at a planned moment: the built-in reminder (badge,
    personal programme with calendar file, route and doors-open time) or a message to a group as
    the composer stores it. The moment is "N days before the event at HH:MM" on the event's clock,
    so it follows the event's date, or an explicit one (see `moment`). Who gets it is fixed when it
    is sent, as a GroupMessage with its recipients (`message`), which holds the delivery counts."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("reminder")
        MESSAGE = "message", _("message to a group")

    class State(models.TextChoices):
        PLANNED = "planned", _("planned")
        # Only inside the transaction that claims it and queues its mails (a rollback: planned again).
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        CANCELLED = "cancelled", _("cancelled")
        MISSED = "missed", _("not sent: the day had begun")

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="scheduled_mails", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REMINDER)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH, blank=True)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH, blank=True)
    audience = models.JSONField(_("recipients"), default=dict, blank=True)  # Audience.filters()
    practical = models.BooleanField(_("practical, about their bookings"), default=False)
    days_before = models.PositiveSmallIntegerField(_("days before the event"), null=True, blank=True)
    time_of_day = models.TimeField(_("time"), null=True, blank=True, help_text=_("Local time."))
    send_at = models.DateTimeField(_("moment"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PLANNED)
    recipients = models.PositiveIntegerField(_("number of recipients"), default=0)
    message = models.ForeignKey(
        GroupMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent as"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planned by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Sent more than scheduling.LATE after its moment (the servers were down): the page says so.
    late = models.BooleanField(_("sent late"), default=False)

    class Meta:
        ordering = ["event", "created_at", "pk"]
        verbose_name = _("scheduled mail")
        verbose_name_plural = _("scheduled mails")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(days_before__isnull=False, time_of_day__isnull=False, send_at__isnull=True)
                    | models.Q(days_before__isnull=True, time_of_day__isnull=True, send_at__isnull=False)
                ),
                name="scheduled_mail_one_kind_of_moment",
            )
        ]

    def __str__(self) -> str:
        return self.subject or str(self.Kind(self.kind).label)

    @property
    def moment(self):
        """When it goes out: the explicit moment, or the time of day on the event's clock N days
        before its date (computed, so it follows a new date; a wall-clock time, also across DST)."""
        if self.send_at is not None:
            return self.send_at
        day = self.event.date - timedelta(days=self.days_before)
        return datetime.combine(day, self.time_of_day, tzinfo=ZoneInfo(self.event.timezone))
