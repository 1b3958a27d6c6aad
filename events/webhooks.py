"""Webhooks: the day's events POSTed to organisers' systems, signed, after commit, with retries.

An endpoint subscribes to event types (`event_types`). A change's audit entry (events.audit, written
inside the change's transaction) becomes a stored WebhookDelivery per subscribed endpoint in that
same transaction, so nothing is announced that was rolled back and nothing is lost when a process
stops. The apps built on the core `emit` types of their own, named in their `webhooks.py`
(`APP_EVENT_TYPES`, see events.registry; checkin: `check_in.created`, `check_in.undone`). After
commit the webhooks' own sender thread (an `outbox.Sender`: a slow endpoint never holds up the
mail) POSTs it; a failure is retried with backoff by every round of the outbox's retry loop (and
`manage.py send_outbox`); after DISABLE_AFTER failures in a row the endpoint is disabled and the
dashboard says so.

Each POST carries `X-DLD-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with
the endpoint's secret, `X-DLD-Event` (the type) and `X-DLD-Delivery` (an id that stays the same
over retries: a receiver that saw it already answers 2xx and ignores it). See `verify`.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from events import audit, outbox
from events.dashboard import SECTIONS, DashboardSection
from events.errors import InvalidInput
from events.models import AuditEntry, Event, WebhookDelivery, WebhookEndpoint
from events.registry import Registry

logger = logging.getLogger(__name__)

# The audit actions each webhook event type is made from.
FROM_AUDIT = {
    "registration.created": "registration.created",
    "registration.walked_in": "registration.created",
    "registration.workshops_changed": "registration.changed",
    "registration.cancelled": "registration.cancelled",
    "signup.created": "signup.created",
    "workshop.moved": "workshop.changed",
    "workshop.capacity_changed": "workshop.changed",
    "workshop.cancelled": "workshop.changed",
}
# The types the apps emit of their own (registered in `<app>/webhooks.py`, see events.registry).
APP_EVENT_TYPES: Registry[str] = Registry("webhooks")
MAX_ATTEMPTS = 10
DISABLE_AFTER = 20
TIMEOUT_SECONDS = 5
# A delivery being sent is left alone by other senders for this long.
LEASE = timedelta(minutes=2)
# Reject signatures older than this (receivers: see `verify`).
TOLERANCE_SECONDS = 300


def event_types() -> list[str]:
    """Every type an endpoint may subscribe to: the core's (from the audit trail) and the apps'."""
    return sorted({*FROM_AUDIT.values(), *APP_EVENT_TYPES})


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … at most an hour."""
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def check_url(url: str) -> None:
    parts = urlsplit(url)
    allowed = {"https", "http"} if settings.WEBHOOKS_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed or not parts.hostname:
        raise InvalidInput({"url": [_("Give an https address.")]})


def register(event: Event, *, url: str, events: list[str], created_by=None) -> tuple[WebhookEndpoint, str]:
    """A new endpoint of `event` for `events`; (endpoint, its signing secret)."""
    errors: dict[str, list[str]] = {}
    try:
        check_url(url)
    except InvalidInput as invalid:
        errors.update(invalid.errors)
    unknown = sorted(set(events) - set(event_types()))
    if unknown:
        errors["events"] = [_("Unknown event: %(events)s.") % {"events": ", ".join(unknown)}]
    elif not events:
        errors["events"] = [_("Choose at least one event.")]
    if errors:
        raise InvalidInput(errors)
    secret = "whsec_" + secrets.token_hex(24)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            event=event, url=url, events=sorted(set(events)), secret=secret, created_by=created_by
        )
        audit.log(endpoint, "webhook.created", data={"event_types": ", ".join(endpoint.events)})
    return endpoint, secret


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, now: float | None = None) -> bool:
    """What a receiver does: the signature is ours for this body, made at most TOLERANCE_SECONDS ago
    (so a recorded request cannot be replayed later)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, timestamp, body).partition(",v1=")[2]
    return hmac.compare_digest(expected, fields.get("v1", ""))


def _active_endpoints_sql() -> str:
    # Every scan and registration asks, inside its transaction, and most days have few endpoints or
    # none: compiling the ORM's query cost four times what running it does. Only names from the
    # model's metadata go into the text; the edition is a parameter.
    meta = WebhookEndpoint._meta
    columns = ", ".join(field.column for field in meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {meta.db_table} WHERE {meta.get_field('event').column} = %s"  # noqa: S608
        f" AND {meta.get_field('disabled_at').column} IS NULL ORDER BY {meta.pk.column}"
    )


_ACTIVE_ENDPOINTS_SQL = _active_endpoints_sql()


def emit(event_id: int, event_type: str, data: dict) -> list[int]:
    """Store a delivery of `event_type` for each endpoint of the edition that wants it. Call inside
    the change's transaction; they are sent once it commits."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.raw(_ACTIVE_ENDPOINTS_SQL, [event_id])
        if event_type in endpoint.events
    ]
    ids = []
    for endpoint in endpoints:
        delivery = WebhookDelivery(endpoint=endpoint, event_type=event_type)
        delivery.body = json.dumps(
            {
                "id": str(delivery.delivery_id),
                "type": event_type,
                "created_at": delivery.created_at.isoformat(),
                "data": data,
            },
            cls=DjangoJSONEncoder,
        )
        delivery.save()
        ids.append(delivery.pk)
    for delivery_id in ids:
        outbox.after_commit(deliver, delivery_id, sender=_sender)
    return ids


@receiver(post_save, sender=AuditEntry, dispatch_uid="events.webhooks.from_audit")
def _from_audit(sender, instance: AuditEntry, created: bool, **kwargs) -> None:
    event_type = FROM_AUDIT.get(instance.action)
    if not created or event_type is None:
        return
    emit(
        instance.event_id,
        event_type,
        {
            "action": instance.action,
            "object": {
                "kind": instance.content_type.model,
                "id": instance.object_id,
                "name": instance.object_repr,
            },
            "at": instance.at,
            "changes": instance.changes,
            "details": instance.data,
        },
    )


def _due(now):
    """Deliveries to send now: not delivered, their time has come, tries left, endpoint enabled."""
    return WebhookDelivery.objects.filter(
        delivered_at__isnull=True,
        next_attempt_at__lte=now,
        attempts__lt=MAX_ATTEMPTS,
        endpoint__disabled_at__isnull=True,
    )


def _claim(delivery_id: int) -> bool:
    now = timezone.now()
    return bool(
        _due(now).filter(pk=delivery_id).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    )


def deliver(delivery_id: int) -> bool:
    """POST one delivery. True when the endpoint answered 2xx; failures are recorded, never raised."""
    if not _claim(delivery_id):
        return False
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = delivery.body.encode()
    request = urllib.request.Request(  # noqa: S310 (check_url allows https, or http when configured)
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "DLD-Webhooks/1",
            "X-DLD-Event": delivery.event_type,
            "X-DLD-Delivery": str(delivery.delivery_id),
            "X-DLD-Signature": signature(endpoint.secret, int(time.time()), body),
        },
    )
    started = time.monotonic()
    status, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as refused:
        status, error = refused.code, f"HTTP {refused.code}"
    except Exception as failure:  # unreachable, timeout, TLS: try again later
        error = f"{type(failure).__name__}: {failure}"
    now = timezone.now()
    log = {
        "last_attempt_at": now,
        "last_status": status,
        "last_duration_ms": round((time.monotonic() - started) * 1000),
        "last_error": error[:500],
    }
    if status is not None and 200 <= status < 300:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(delivered_at=now, **log)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failures_in_a_row=0)
        return True
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=now + backoff(delivery.attempts), **log
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failures_in_a_row=F("failures_in_a_row") + 1)
    WebhookEndpoint.objects.filter(
        pk=endpoint.pk, failures_in_a_row__gte=DISABLE_AFTER, disabled_at__isnull=True
    ).update(disabled_at=now)
    logger.warning(
        "webhook delivery %s to endpoint %s failed, attempt %s", delivery.pk, endpoint.pk, delivery.attempts
    )
    return False


def deliver_due() -> tuple[int, int]:
    """Send every delivery that is due. Returns (delivered, failed)."""
    due = _due(timezone.now()).order_by("pk").values_list("pk", flat=True)[:500]  # oldest first: in order
    delivered = failed = 0
    for delivery_id in list(due):
        if deliver(delivery_id):
            delivered += 1
        else:
            failed += 1
    return delivered, failed


# Every round of the outbox's retry loop (and `manage.py send_outbox`) retries due deliveries, in
# the webhooks' own sender thread: an endpoint that times out never holds up the mail.
_sender = outbox.Sender("webhooks")
outbox.periodic(deliver_due, sender=_sender)


def disabled(event: Event):
    """The edition's endpoints that were disabled after failing, for the dashboard's notice."""
    return WebhookEndpoint.objects.filter(event=event, disabled_at__isnull=False)


def enable(endpoints) -> int:
    """Switch disabled endpoints on again; what they missed is tried again from now."""
    with transaction.atomic():
        ids = list(endpoints.filter(disabled_at__isnull=False).values_list("pk", flat=True))
        WebhookEndpoint.objects.filter(pk__in=ids).update(disabled_at=None, failures_in_a_row=0)
        WebhookDelivery.objects.filter(endpoint_id__in=ids, delivered_at__isnull=True).update(
            attempts=0, next_attempt_at=timezone.now()
        )
    return len(ids)


def disabled_count(event: Event) -> int:
    """The dashboard's notice: a number, not the addresses (a scanner's token reads the statistics)."""
    return disabled(event).count()


SECTIONS.register(
    DashboardSection(
        key="webhooks_disabled",
        schema=int,
        figures=disabled_count,
        template="events/_dashboard_webhooks.html",
    )
)
