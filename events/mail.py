"""The outbox. Services queue a message inside their transaction; it is delivered after commit.

A message is queued as (kind, recipient, registration, context) and rendered by the builder
registered for its kind when it is sent. A failed delivery never touches the registration: the
row stays in the outbox and is retried with backoff, by each server process's sender thread
(every minute, see `start_retry_loop`) or by `manage.py send_outbox`. After MAX_ATTEMPTS it
stays unsent as failed, shown to organisers on the dashboard and in the admin, which can queue
it again. Builders live with their app (`events.emails`, `networking.emails`).
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import close_old_connections, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation

from events.models import OutboundEmail, Registration

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# While one sender holds a message, others leave it alone for this long.
LEASE = timedelta(minutes=5)

Builder = Callable[[OutboundEmail], EmailMultiAlternatives]
BUILDERS: dict[str, Builder] = {}


def builder(kind: str) -> Callable[[Builder], Builder]:
    def register(function: Builder) -> Builder:
        BUILDERS[kind] = function
        return function

    return register


def queue(
    kind: str, *, to: str, registration: Registration | None = None, context: dict | None = None
) -> OutboundEmail:
    """Store a message to send once the surrounding transaction commits."""
    if kind not in BUILDERS:
        raise ValueError(f"no e-mail builder for {kind!r}")
    email = OutboundEmail.objects.create(kind=kind, to=to, registration=registration, context=context or {})
    if settings.EMAIL_DELIVERY == "inline":
        transaction.on_commit(lambda: deliver(email.pk))
    elif settings.EMAIL_DELIVERY == "thread":
        transaction.on_commit(lambda: _sender.submit(_deliver_in_background, email.pk))
    return email


# One sender thread per process: rendering and SMTP never hold up the request that queued the
# mail (under ASGI all sync views of a process share one thread). Whatever it has not sent when
# the process stops stays in the outbox for `manage.py send_outbox`.
_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox")


def _deliver_in_background(email_id: int) -> None:
    try:
        deliver(email_id)
    finally:
        close_old_connections()


def _deliver_due_in_background() -> None:
    try:
        deliver_due()
    except Exception:  # the database may be away for a moment: the next round tries again
        logger.warning("outbox retry round failed", exc_info=True)
    finally:
        close_old_connections()


_retry_loop_running = threading.Lock()


def start_retry_loop(interval: float | None = None) -> threading.Event | None:
    """Retry due messages every `interval` seconds (OUTBOX_RETRY_INTERVAL) in this process's sender
    thread, so no cron job is needed. Safe in every process at once: a message is claimed with a
    conditional update, so only one sender sends it. Runs once per process (config.asgi starts it);
    returns an Event that stops it when set, or None when it already runs or the interval is 0."""
    interval = settings.OUTBOX_RETRY_INTERVAL if interval is None else interval
    if interval <= 0 or not _retry_loop_running.acquire(blocking=False):
        return None
    stop = threading.Event()

    def loop() -> None:
        round_ = None
        try:
            while not stop.wait(interval):
                if round_ is None or round_.done():  # a slow mail server: never pile up rounds
                    round_ = _sender.submit(_deliver_due_in_background)
        finally:
            _retry_loop_running.release()

    threading.Thread(target=loop, name="outbox-retry", daemon=True).start()
    return stop


def _claim(email_id: int) -> bool:
    """Take a due message for this sender (a conditional update, safe with several senders)."""
    now = timezone.now()
    return bool(
        OutboundEmail.objects.filter(
            pk=email_id, sent_at__isnull=True, next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS
        ).update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    )


def deliver(email_id: int) -> bool:
    """Render and send one message. True when it went out; errors are recorded, never raised."""
    if not _claim(email_id):
        return False
    email = OutboundEmail.objects.select_related("registration").get(pk=email_id)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            message = BUILDERS[email.kind](email)
            message.send()
    except Exception as error:  # any transport or rendering failure: keep it for a retry
        backoff = timedelta(minutes=min(2 ** (email.attempts - 1), 60))
        OutboundEmail.objects.filter(pk=email.pk).update(
            next_attempt_at=timezone.now() + backoff, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.warning("e-mail %s (%s) not sent, attempt %s", email.pk, email.kind, email.attempts)
        return False
    # Secrets in the context are only needed to render; once sent they are not kept.
    OutboundEmail.objects.filter(pk=email.pk).update(
        sent_at=timezone.now(), subject=message.subject[:300], context={}, last_error=""
    )
    return True


def due() -> "list[int]":
    now = timezone.now()
    return list(
        OutboundEmail.objects.filter(
            Q(sent_at__isnull=True), next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)[:500]
    )


# Not sent yet and still being tried (also while waiting for the next attempt after an error).
QUEUED = Q(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
# Not sent after MAX_ATTEMPTS: no sender tries again until someone queues it again (`send_again`).
FAILED = Q(sent_at__isnull=True, attempts__gte=MAX_ATTEMPTS)


def queued() -> "QuerySet[OutboundEmail]":
    return OutboundEmail.objects.filter(QUEUED)


def failed() -> "QuerySet[OutboundEmail]":
    return OutboundEmail.objects.filter(FAILED)


def send_again(emails: "QuerySet[OutboundEmail]") -> int:
    """Queue unsent messages again with a fresh series of attempts (e.g. after the mail server was
    fixed). Returns how many; the next sender round sends them."""
    return emails.filter(sent_at__isnull=True).update(attempts=0, next_attempt_at=timezone.now())


def deliver_due() -> tuple[int, int]:
    """Send everything that is due. Returns (sent, failed)."""
    sent = failed = 0
    for email_id in due():
        if deliver(email_id):
            sent += 1
        else:
            failed += 1
    return sent, failed


def message(email: OutboundEmail, *, subject: str, text: str, html: str = "") -> EmailMultiAlternatives:
    """The common envelope for every builder."""
    msg = EmailMultiAlternatives(subject=subject, body=text, to=[email.to])
    if html:
        msg.attach_alternative(html, "text/html")
    return msg
