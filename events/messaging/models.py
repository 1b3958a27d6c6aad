"""Messages to a group. Part of the events app (imported by events.models)."""

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
