"""Web Push subscriptions. Part of the events app (imported by events.models)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Push services' endpoints are URLs of a few hundred characters (FCM's about 200, Mozilla's 300).
ENDPOINT_MAX_LENGTH = 1000


class PushSubscription(models.Model):
    """A browser that allowed notifications on an attendee's own page: where its push service takes
    messages for it (`endpoint`) and the keys to encrypt them with (RFC 8291). One browser, one row:
    subscribing again on a phone shared by two attendees moves it to the last one."""

    registration = models.ForeignKey(
        "events.Registration",
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
        verbose_name=_("registration"),
    )
    endpoint = models.URLField(_("endpoint"), max_length=ENDPOINT_MAX_LENGTH, unique=True)
    # The browser's P-256 public key (uncompressed point) and its auth secret, base64url.
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_success_at = models.DateTimeField(_("last delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.endpoint[:60]}"
