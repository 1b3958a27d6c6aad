"""Live announcements. Part of the events app (imported by events.models)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A banner on a phone: a sentence or two, like a text message.
TEXT_MAX_LENGTH = 280


class AnnouncementQuerySet(models.QuerySet):
    def active(self, event_id: int, now=None):
        """Shown now: not withdrawn and not expired, newest first."""
        now = now or timezone.now()
        return self.filter(event_id=event_id, withdrawn_at__isnull=True, expires_at__gt=now).order_by(
            "-created_at", "-pk"
        )


class Announcement(models.Model):
    """A short plain text shown as a banner on the open pages of the day, for everyone or for one
    workshop's attendees, until `expires_at` or until withdrawn."""

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="announcements", verbose_name=_("event")
    )
    text = models.CharField(_("text"), max_length=TEXT_MAX_LENGTH)
    workshop = models.ForeignKey(
        "events.Workshop",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name=_("workshop"),
        help_text=_("Empty: for everyone."),
    )
    expires_at = models.DateTimeField(_("shown until"))
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [
            models.Index(
                fields=["event", "expires_at"],
                condition=Q(withdrawn_at__isnull=True),
                name="announcement_active",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]
