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
