"""Subscribing a browser to pushes for an attendee, and unsubscribing it (the attendee's own page,
authorised by the private link). Sending: events.webpush.push."""

import base64
import binascii
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.errors import InvalidInput, RegistrationError
from events.models import Registration
from events.webpush import push
from events.webpush.models import ENDPOINT_MAX_LENGTH, PushSubscription

# A browser's keys (RFC 8291): an uncompressed P-256 point and a 16-byte auth secret.
P256DH_LENGTH = 65
AUTH_LENGTH = 16


def _decoded(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def check_subscription(endpoint: str, p256dh: str, auth: str) -> None:
    errors: dict[str, list[str]] = {}
    parts = urlsplit(endpoint)
    schemes = {"https", "http"} if settings.WEBPUSH_ALLOW_HTTP else {"https"}
    if parts.scheme not in schemes or not parts.hostname or len(endpoint) > ENDPOINT_MAX_LENGTH:
        errors["endpoint"] = [_("Give the push service's https address.")]
    key = _decoded(p256dh)
    if key is None or len(key) != P256DH_LENGTH or key[0] != 4:
        errors["p256dh"] = [_("Not a browser's push key.")]
    secret = _decoded(auth)
    if secret is None or len(secret) != AUTH_LENGTH:
        errors["auth"] = [_("Not a browser's push secret.")]
    if errors:
        raise InvalidInput(errors)


def subscribe(
    registration: Registration, *, endpoint: str, p256dh: str, auth: str
) -> tuple[PushSubscription, bool]:
    """This browser hears `registration`'s pushes from now on; (subscription, created). A browser
    that subscribed before (for this attendee or another on a shared phone) keeps one row, now theirs."""
    if not push.configured():
        raise RegistrationError("push_not_configured", _("Notifications are not available on this site."))
    if not registration.is_confirmed:
        raise RegistrationError("registration_cancelled", _("This registration has been cancelled."))
    check_subscription(endpoint, p256dh, auth)
    with transaction.atomic():
        return PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={"registration": registration, "p256dh": p256dh, "auth": auth},
            create_defaults={
                "registration": registration,
                "p256dh": p256dh,
                "auth": auth,
                "created_at": timezone.now(),
            },
        )


def unsubscribe(registration: Registration, endpoint: str) -> int:
    """This browser hears no more of `registration`'s pushes (one of another attendee stays theirs).
    Returns how many subscriptions went (0 or 1)."""
    return PushSubscription.objects.filter(registration=registration, endpoint=endpoint).delete()[0]
