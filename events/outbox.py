"""The outbox. Services queue a message inside their transaction; it is delivered after commit.

A message is queued as (kind, recipient, registration, context) and rendered by the builder
registered for its kind when it is sent. A failed delivery never touches the registration: the
row stays in the outbox and is retried with backoff, by each server process's sender thread
(every minute, see `start_retry_loop`) or by `manage.py send_outbox`. After MAX_ATTEMPTS it
stays unsent as failed, shown to organisers on the dashboard and in the admin, which can queue
it again. Builders live with their app (`events.emails`, `networking.emails`).
"""

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import close_old_connections, connection, transaction
from django.db.models import Case, F, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.utils import timezone, translation

from events.models import Event, OutboundEmail, Registration

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


# Kinds sent no faster than settings.GROUP_MAIL_RATE_PER_MINUTE (messages to a group): each is
# queued with its own moment (`queue_throttled`) and sent by a sender thread of its own, so the mails
# about one's own registration and bookings never wait behind them.
THROTTLED: set[str] = set()


def throttled(kind: str) -> str:
    THROTTLED.add(kind)
    return kind


# Told when a mail of their kind is done: sent, or failed for good (its attempts used up). A page
# that counts those mails (the scheduled mails on the dashboard) follows them live this way. Called
# in the sender's thread after the mail's row is written, outside any transaction; a listener that
# fails is logged and never undoes or holds up the delivery.
Listener = Callable[[OutboundEmail], object]
LISTENERS: dict[str, list[Listener]] = {}


def on_done(kinds: "list[str]", listener: Listener) -> Listener:
    for kind in kinds:
        LISTENERS.setdefault(kind, []).append(listener)
    return listener


def _done(email: OutboundEmail) -> None:
    for listener in LISTENERS.get(email.kind, []):
        try:
            listener(email)
        except Exception:
            logger.warning("listener %s of e-mail %s failed", listener.__qualname__, email.pk, exc_info=True)


def queue(
    kind: str, *, to: str, registration: Registration | None = None, context: dict | None = None
) -> OutboundEmail:
    """Store a message to send once the surrounding transaction commits."""
    if kind not in BUILDERS:
        raise ValueError(f"no e-mail builder for {kind!r}")
    if not to and registration is not None:
        to = registration.mail_address
    email = OutboundEmail.objects.create(kind=kind, to=to, registration=registration, context=context or {})
    after_commit(deliver, email.pk)
    return email


class Traffic:
    """The requests this process is serving (config.asgi counts them). A sender thread shares the
    process's one core (the GIL) with them: before each job it waits for a quiet moment, so that a
    rush is answered first and its mails follow (OUTBOX_SENDER_YIELD_SECONDS at most)."""

    # No request for this long: quiet (the next one of a rush is usually on its way sooner).
    QUIET = 0.02

    def __init__(self):
        self._serving = 0
        self._last = float("-inf")  # when a request last started or ended (monotonic)
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        with self._changed:
            self._serving += 1
            self._last = time.monotonic()
        try:
            yield
        finally:
            with self._changed:
                self._serving -= 1
                self._last = time.monotonic()
                self._changed.notify_all()

    def wait_for_quiet(self, longest: float) -> bool:
        """Return once no request has run for QUIET seconds (True), or after `longest` (False)."""
        deadline = time.monotonic() + longest
        with self._changed:
            while True:
                now = time.monotonic()
                if not self._serving and now - self._last >= self.QUIET:
                    return True
                if now >= deadline:
                    return False
                quiet_at = deadline if self._serving else self._last + self.QUIET
                self._changed.wait(min(deadline, quiet_at) - now)


traffic = Traffic()
_in_sender = threading.local()


def make_way() -> None:
    """In a sender thread: let the requests of this process go first (see Traffic)."""
    if getattr(_in_sender, "active", False) and settings.OUTBOX_SENDER_YIELD_SECONDS > 0:
        traffic.wait_for_quiet(settings.OUTBOX_SENDER_YIELD_SECONDS)


class Sender:
    """A background thread of this process (mail has one, webhooks their own, so a slow receiver
    never holds up the mail): rendering, SMTP and POSTs never hold up the request that queued them
    (under ASGI all sync views of a process share one thread). One thread each, so what is handed
    over goes out in order. Whatever it has not done when the process stops stays in its rows for
    the retry loop or `manage.py send_outbox`."""

    def __init__(self, name: str):
        self.name = name
        self._executor = self._new_executor()
        SENDERS.append(self)

    def _new_executor(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.name)

    def submit(self, function: Callable[..., object], *args) -> Future:
        """Run `function(*args)` in this sender's thread."""

        def run() -> object:
            _in_sender.active = True
            try:
                make_way()
                return function(*args)
            finally:
                close_old_connections()

        return self._executor.submit(run)

    def wait(self, timeout: float) -> None:
        self._executor.submit(lambda: None).result(timeout=timeout)

    def reset(self) -> None:
        old, self._executor = self._executor, self._new_executor()
        old.shutdown(wait=True, cancel_futures=True)


SENDERS: list[Sender] = []
_sender = Sender("outbox")
_throttled_sender = Sender("outbox-group")


def after_commit(function: Callable[..., object], *args, sender: Sender | None = None) -> None:
    """Run `function(*args)` once the surrounding transaction commits, as EMAIL_DELIVERY says: in the
    request (inline: deterministic), in `sender`'s thread (thread; the mail's unless said), or not
    at all (the rows wait for the retry loop or `manage.py send_outbox`)."""
    if settings.EMAIL_DELIVERY == "inline":
        transaction.on_commit(lambda: function(*args))
    elif settings.EMAIL_DELIVERY == "thread":
        transaction.on_commit(lambda: (sender or _sender).submit(function, *args))


def wait_for_sender(timeout: float = 30) -> None:
    """Return once this process's sender threads have done everything handed to them so far."""
    for sender in SENDERS:  # the mail's first: its rounds hand work to the others
        sender.wait(timeout)


def reset() -> None:
    """Fresh sender threads for this process, for tests and for a process that forks (the parent's
    threads do not exist in the child). An old one finishes what it is sending; what it had not
    started stays in its rows for the retry loop or `manage.py send_outbox`."""
    global _timer, _timer_at, _last_throttled
    with _timer_lock:
        if _timer is not None:
            _timer.cancel()
        _timer, _timer_at, _last_throttled = None, None, None
    for sender in SENDERS:
        sender.reset()


# Jobs that run in every round of each process's retry loop, after the due mails: things that
# must happen at a moment without a cron job (seats of unproven addresses released, scheduled
# mails). Each runs in the mail's sender thread unless it names its own `sender`. Each must be safe
# in several processes at once (claim its rows with a lock or a conditional update) and idempotent.
PERIODIC: list[tuple[Callable[[], object], Sender | None]] = []


def periodic(job: Callable[[], object], sender: Sender | None = None) -> Callable[[], object]:
    PERIODIC.append((job, sender))
    return job


def _run_job(job: Callable[[], object]) -> None:
    try:
        job()
    except Exception:  # the database may be away for a moment: the next round tries again
        logger.warning("periodic job %s failed", job.__qualname__, exc_info=True)


def run_periodic() -> None:
    """Every periodic job once, here (`manage.py send_outbox`); one failing does not stop the others."""
    for job, _own_sender in PERIODIC:
        _run_job(job)


def _mail_round() -> None:
    """A round of the mail's sender thread: the due mails, then the periodic jobs without a sender."""
    try:
        deliver_due(throttled=False)  # group mails: their own sender (deliver_throttled)
    except Exception:  # the database may be away for a moment: the next round tries again
        logger.warning("outbox retry round failed", exc_info=True)
    finally:
        close_old_connections()
    for job, own_sender in PERIODIC:
        if own_sender is None:
            _run_job(job)
            close_old_connections()


_retry_loop_running = threading.Lock()


def start_retry_loop(interval: float | None = None) -> threading.Event | None:
    """Retry due messages every `interval` seconds (OUTBOX_RETRY_INTERVAL) in this process's sender
    threads, so no cron job is needed. Safe in every process at once: a message is claimed with a
    conditional update, so only one sender sends it. Runs once per process (config.asgi starts it);
    returns an Event that stops it when set, or None when it already runs or the interval is 0."""
    interval = settings.OUTBOX_RETRY_INTERVAL if interval is None else interval
    if interval <= 0 or not _retry_loop_running.acquire(blocking=False):
        return None
    stop = threading.Event()
    rounds = [(_sender, _mail_round)] + [
        (own_sender, partial(_run_job, job)) for job, own_sender in PERIODIC if own_sender is not None
    ]

    def loop() -> None:
        running: dict[int, Future] = {}
        try:
            while not stop.wait(interval):
                for number, (sender, round_) in enumerate(rounds):
                    if number not in running or running[number].done():  # a slow server: no pile-up
                        running[number] = sender.submit(round_)
        finally:
            _retry_loop_running.release()

    threading.Thread(target=loop, name="outbox-retry", daemon=True).start()
    return stop


def _lock_schedule() -> None:
    """Two processes scheduling group mails at once take turns (PostgreSQL; SQLite writes one at a
    time anyway), so together they keep to the rate."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x6D61696C])


def _schedule() -> tuple[datetime, timedelta]:
    """The moment of the next throttled mail (one step after the last still waiting for its own
    first attempt, or now) and the step between two."""
    rate = settings.GROUP_MAIL_RATE_PER_MINUTE
    now = timezone.now()
    if rate <= 0:
        return now, timedelta(0)
    step = timedelta(seconds=60 / rate)
    last = OutboundEmail.objects.filter(kind__in=THROTTLED, sent_at__isnull=True, attempts=0).aggregate(
        last=Max("next_attempt_at")
    )["last"]
    return (max(now, last + step) if last is not None else now), step


def queue_throttled(kind: str, mails: "list[tuple[str, Registration | None, dict]]") -> "list[OutboundEmail]":
    """Queue (to, registration, context) mails of a throttled kind, one every 60/rate seconds after
    the last one already waiting for its moment (in any process), inside the caller's transaction.
    The moments are stored (`next_attempt_at`): nothing sleeps; the throttled sender sends each
    when it is due. A rate of 0: no limit."""
    if kind not in BUILDERS or kind not in THROTTLED:
        raise ValueError(f"no throttled e-mail builder for {kind!r}")
    _lock_schedule()
    start, step = _schedule()
    emails = OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                kind=kind,
                to=to or (registration.mail_address if registration is not None else ""),
                registration=registration,
                context=context,
                next_attempt_at=start + number * step,
            )
            for number, (to, registration, context) in enumerate(mails)
        ]
    )
    after_commit(deliver_throttled, sender=_throttled_sender)
    return emails


def send_again_throttled(emails: "QuerySet[OutboundEmail]") -> int:
    """`send_again` for throttled mails: each unsent one gets a fresh series of attempts and its own
    moment after the last one waiting, like `queue_throttled`. Returns how many."""
    _lock_schedule()
    ids = list(emails.filter(sent_at__isnull=True).order_by("pk").values_list("pk", flat=True))
    start, step = _schedule()
    for number, email_id in enumerate(ids):
        OutboundEmail.objects.filter(pk=email_id).update(attempts=0, next_attempt_at=start + number * step)
    if ids:
        after_commit(deliver_throttled, sender=_throttled_sender)
    return len(ids)


_timer_lock = threading.Lock()
_timer: threading.Timer | None = None
_timer_at: datetime | None = None
# When this process's throttled sender last sent: with EMAIL_DELIVERY thread/inline it sends one per
# step at most, also when mails are overdue (a slow server, a restart), so it never bursts.
_last_throttled: datetime | None = None


def _fire() -> None:
    global _timer, _timer_at
    with _timer_lock:
        _timer, _timer_at = None, None
    _throttled_sender.submit(deliver_throttled)


def _wake_at(moment: datetime) -> None:
    """Have the throttled sender run again at `moment` (a timer, not a sleeping sender)."""
    global _timer, _timer_at
    with _timer_lock:
        if _timer is not None and _timer_at is not None and _timer_at <= moment:
            return  # the one waiting wakes earlier or at the same moment
        if _timer is not None:
            _timer.cancel()
        _timer = threading.Timer(max((moment - timezone.now()).total_seconds(), 0.0), _fire)
        _timer.daemon = True
        _timer_at = moment
        _timer.start()


def deliver_throttled() -> tuple[int, int]:
    """Send the throttled mails that are due, in the order of their moments. Returns (sent, failed).

    With EMAIL_DELIVERY thread or inline (and a rate), one mail per step, then a timer wakes the
    throttled sender thread when the next is due (inline too: a request cannot wait for a whole
    group, and no retry loop runs); with worker (`send_outbox`), every mail that is due."""
    global _last_throttled
    rate = settings.GROUP_MAIL_RATE_PER_MINUTE
    timed = settings.EMAIL_DELIVERY in ("thread", "inline")
    paced = timed and rate > 0
    step = timedelta(seconds=60 / rate) if rate > 0 else timedelta(0)
    sent = failed = 0
    ready = not paced or _last_throttled is None or timezone.now() >= _last_throttled + step
    for email_id in (due(throttled=True)[:1] if paced else due(throttled=True)) if ready else []:
        if deliver(email_id):
            sent += 1
        else:
            failed += 1
        if paced:
            _last_throttled = timezone.now()
    if timed:
        upcoming = OutboundEmail.objects.filter(QUEUED, kind__in=THROTTLED).aggregate(
            first=Min("next_attempt_at")
        )["first"]
        if upcoming is not None:
            earliest = _last_throttled + step if paced and _last_throttled is not None else timezone.now()
            _wake_at(max(upcoming, earliest))
    return sent, failed


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
        # In the language the attendee registered in (mails to others: the site's language).
        language = email.registration.language if email.registration_id else settings.LANGUAGE_CODE
        with translation.override(language):
            message = BUILDERS[email.kind](email)
            message.send()
    except Exception as error:  # any transport or rendering failure: keep it for a retry
        backoff = timedelta(minutes=min(2 ** (email.attempts - 1), 60))
        OutboundEmail.objects.filter(pk=email.pk).update(
            next_attempt_at=timezone.now() + backoff, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.warning("e-mail %s (%s) not sent, attempt %s", email.pk, email.kind, email.attempts)
        if email.attempts >= MAX_ATTEMPTS:
            _done(email)
        return False
    # Secrets in the context are only needed to render; once sent they are not kept.
    OutboundEmail.objects.filter(pk=email.pk).update(
        sent_at=timezone.now(), subject=message.subject[:300], context={}, last_error=""
    )
    _done(email)
    return True


def due(throttled: bool | None = None) -> "list[int]":
    """Ids of the mails due now, essential ones first. `throttled`: only those (True), none of
    those (False), or all (None)."""
    now = timezone.now()
    found = OutboundEmail.objects.filter(
        Q(sent_at__isnull=True), next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS
    )
    if throttled is not None:
        found = found.filter(kind__in=THROTTLED) if throttled else found.exclude(kind__in=THROTTLED)
    order = Case(When(kind__in=THROTTLED, then=Value(1)), default=Value(0), output_field=IntegerField())
    return list(found.order_by(order, "next_attempt_at", "pk").values_list("pk", flat=True)[:500])


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


def deliver_due(throttled: bool | None = None) -> tuple[int, int]:
    """Send everything that is due (`throttled` as for `due`). Returns (sent, failed)."""
    sent = failed = 0
    for number, email_id in enumerate(due(throttled)):
        if number:
            make_way()  # a round of many mails in a sender thread (the retry loop)
        if deliver(email_id):
            sent += 1
        else:
            failed += 1
    return sent, failed


def message(
    email: OutboundEmail, *, event: Event, subject: str, text: str, html: str = ""
) -> EmailMultiAlternatives:
    """The common envelope for every builder: a reply reaches the event's contact address (the
    sender is a no-reply address), and mail servers see the message is automatic (RFC 3834), so
    out-of-office replies stay away."""
    msg = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[email.to],
        reply_to=[event.contact_email] if event.contact_email else None,
        headers={"Auto-Submitted": "auto-generated"},
    )
    if html:
        msg.attach_alternative(html, "text/html")
    return msg


periodic(deliver_throttled, sender=_throttled_sender)
