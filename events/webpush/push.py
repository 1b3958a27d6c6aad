"""Sending Web Push messages (RFC 8030, encrypted per RFC 8291, signed with VAPID per RFC 8292) to
the attendees' subscribed browsers: an announcement to everyone or to a workshop's attendees, a
moved or cancelled workshop to its attendees.

Services call these inside their transaction; the pushes go after the commit, in this process's
push sender thread (events.outbox.Sender), never in the request (inline in tests, as mail). A push
is a nudge, not a record: nothing is stored to retry it (a push about a room change that arrives an
hour late misleads more than it helps); the e-mail and the page are the record. A push service
answering 404 or 410 has forgotten the subscription: it is deleted. Other failures are logged.

The pushes of one change go out WEBPUSH_WORKERS at a time: a pool of threads that only post (no
database, so no connections left open in them); what the push services answered is written
afterwards, in the calling thread, in two queries."""

import json
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from events import outbox
from events.announcements.models import Announcement
from events.links import absolute_url
from events.models import Booking, Registration, Workshop
from events.times import clock
from events.webpush.models import PushSubscription

logger = logging.getLogger(__name__)

# Seconds a push service may wait for a phone that is off before it drops a workshop's news.
WORKSHOP_NEWS_TTL = int(timedelta(hours=12).total_seconds())
# Seconds to wait for a push service's answer: one slow service must not hold up the others long.
TIMEOUT = 10
# Push services answer these for a subscription that is gone (the browser unsubscribed or expired).
GONE = {404, 410}

_sender = outbox.Sender("webpush")


def configured() -> bool:
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def _after_commit(function: Callable[..., object], *args) -> None:
    """Run `function(*args)` once the transaction commits: in the request with EMAIL_DELIVERY
    inline (tests), else in the push sender thread (with "worker" too: no worker sends pushes)."""
    if not configured():
        return
    if settings.EMAIL_DELIVERY == "inline":
        transaction.on_commit(lambda: function(*args))
    else:
        transaction.on_commit(lambda: _sender.submit(function, *args))


def page_url(registration: Registration) -> str:
    """Where a tap on the notification leads: the attendee's own page."""
    return absolute_url(reverse("events:manage", args=[registration.manage_token]))


@dataclass(frozen=True)
class Push:
    """One push to make: everything the HTTP part needs, read from the database beforehand (the
    pool's threads never touch the database)."""

    subscription_id: int
    endpoint: str
    p256dh: str
    auth: str
    data: str  # the JSON payload


def _post(push: Push, *, ttl: int, vapid: Vapid) -> int | str | None:
    """The HTTP part of one push, safe in any thread: None when the push service took it, else its
    status (404 and 410: gone) or what went wrong."""
    try:
        webpush(
            {"endpoint": push.endpoint, "keys": {"p256dh": push.p256dh, "auth": push.auth}},
            push.data,
            vapid_private_key=vapid,
            vapid_claims={"sub": settings.VAPID_SUBJECT},  # a fresh dict: webpush adds `aud` and `exp`
            ttl=ttl,
            timeout=TIMEOUT,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        return status or str(error)
    except (requests.RequestException, ValueError) as error:  # unreachable service, a broken key
        return str(error)
    return None


def _deliver(pushes: list[Push], *, ttl: int) -> int:
    """Post `pushes` side by side in at most WEBPUSH_WORKERS threads (HTTP only), then record the
    results here in the caller's thread: subscriptions gone deleted, the others' last success
    stamped, failures logged. Returns how many the push services took."""
    vapid = Vapid.from_string(settings.VAPID_PRIVATE_KEY)
    workers = max(1, min(settings.WEBPUSH_WORKERS, len(pushes)))
    if workers == 1:
        results = [_post(push, ttl=ttl, vapid=vapid) for push in pushes]
    else:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="webpush-post") as pool:
            results = list(pool.map(lambda push: _post(push, ttl=ttl, vapid=vapid), pushes))
    taken = [push.subscription_id for push, result in zip(pushes, results, strict=True) if result is None]
    gone = [push.subscription_id for push, result in zip(pushes, results, strict=True) if result in GONE]
    for push, result in zip(pushes, results, strict=True):
        if result in GONE:
            logger.info("push subscription %s is gone (%s): removed", push.subscription_id, result)
        elif result is not None:
            logger.warning("push to subscription %s failed: %s", push.subscription_id, result)
    if gone:
        PushSubscription.objects.filter(pk__in=gone).delete()
    if taken:
        PushSubscription.objects.filter(pk__in=taken).update(last_success_at=timezone.now())
    failed = len(pushes) - len(taken) - len(gone)
    if failed or gone:
        logger.info("pushed %s: %s taken, %s gone, %s failed", len(pushes), len(taken), len(gone), failed)
    return len(taken)


def _push(subscription: PushSubscription, payload: dict) -> Push:
    return Push(
        subscription.pk,
        subscription.endpoint,
        subscription.p256dh,
        subscription.auth,
        json.dumps(payload, ensure_ascii=False),
    )


def send(subscription: PushSubscription, payload: dict, *, ttl: int) -> bool:
    """One encrypted push of `payload` (JSON) to `subscription`. True when the push service took it."""
    return _deliver([_push(subscription, payload)], ttl=ttl) == 1


def send_to(
    registrations: "QuerySet[Registration] | Iterable[int]",
    message: Callable[[Registration], dict],
    *,
    ttl: int,
) -> int:
    """Push `message(registration)` (built in each person's language) to every subscribed browser
    of these registrations (a queryset, used as a subquery, or ids) that are still confirmed.
    Returns how many pushes were taken."""
    if not isinstance(registrations, QuerySet | list | tuple | set):
        registrations = list(registrations)
    subscriptions = (
        PushSubscription.objects.filter(
            registration__in=registrations, registration__status=Registration.Status.CONFIRMED
        )
        .select_related("registration")
        .order_by("pk")
    )
    pushes = []
    for subscription in subscriptions:
        registration = subscription.registration
        with translation.override(registration.language):
            pushes.append(_push(subscription, {"url": page_url(registration), **message(registration)}))
    return _deliver(pushes, ttl=ttl) if pushes else 0


# Announcements


def announcement_posted(announcement: Announcement) -> None:
    """Inside the posting transaction: push it after the commit."""
    _after_commit(push_announcement, announcement.pk)


def push_announcement(announcement_id: int) -> int:
    """An announcement for everyone to every confirmed attendee of its edition; one for a workshop to
    those with a seat in it. Withdrawn or expired meanwhile: nothing."""
    announcement = Announcement.objects.select_related("workshop").filter(pk=announcement_id).first()
    now = timezone.now()
    if announcement is None or announcement.withdrawn_at is not None or announcement.expires_at <= now:
        return 0
    workshop = announcement.workshop
    if workshop is None:
        registrations = Registration.objects.filter(event_id=announcement.event_id)
    else:
        registrations = Registration.objects.filter(
            bookings__workshop=workshop, bookings__status=Booking.Status.BOOKED
        )

    def message(registration: Registration) -> dict:
        return {"title": workshop.title if workshop else _("Announcement"), "body": announcement.text}

    # Until it expires: a phone switched on later still hears it, one switched on after it does not.
    ttl = int((announcement.expires_at - now).total_seconds())
    return send_to(registrations.values("pk"), message, ttl=ttl)


# A workshop's news (what events.services.seats.tell mails about)


def _changed(workshop: Workshop, context: dict) -> dict:
    moved = set(context.get("moved", ["room", "time"]))
    names = {
        "title": workshop.title,
        "room": workshop.room.name,
        "start": clock(workshop.round.starts_at),
        "end": clock(workshop.round.ends_at),
    }
    if moved == {"room"}:
        title = _("New room: %(title)s")
        body = _("“%(title)s” has moved to another room: %(room)s. The time stays the same.")
    elif moved == {"time"}:
        title = _("New time: %(title)s")
        body = _("“%(title)s” has a new time: %(start)s–%(end)s, still in %(room)s.")
    else:
        title = _("New room and time: %(title)s")
        body = _("“%(title)s” has moved to another room and time: %(start)s–%(end)s in %(room)s.")
    return {"title": title % names, "body": body % names}


def _moved_away(workshop: Workshop, context: dict) -> dict:
    names = {"title": workshop.title, "start": clock(workshop.round.starts_at)}
    return {
        "title": _("%(title)s has moved") % names,
        "body": _(
            "“%(title)s” has moved to %(start)s, when you already have another workshop. We kept that "
            "one for you, so your place in “%(title)s” has been released. Prefer “%(title)s”? Change "
            "your choice through your private link."
        )
        % names,
    }


def _cancelled(workshop: Workshop, context: dict) -> dict:
    names = {"title": workshop.title}
    return {
        "title": _("Cancelled: %(title)s") % names,
        "body": _("“%(title)s” has been cancelled. Choose another workshop on your page.") % names,
    }


# The mails of a workshop's news that also go to the attendees' phones, by kind.
WORKSHOP_NEWS: dict[str, Callable[[Workshop, dict], dict]] = {
    "workshop_changed": _changed,
    "workshop_moved_away": _moved_away,
    "workshop_cancelled": _cancelled,
}


def workshop_news(kind: str, bookings: Iterable[Booking], context: dict) -> None:
    """Inside the transaction that mails `kind` about each booking's workshop: push it to their
    phones too after the commit (kinds without a push: nothing)."""
    if kind not in WORKSHOP_NEWS:
        return
    by_workshop: dict[int, list[int]] = {}
    for booking in bookings:
        by_workshop.setdefault(booking.workshop_id, []).append(booking.registration_id)
    for workshop_id, registration_ids in sorted(by_workshop.items()):
        _after_commit(push_workshop_news, kind, workshop_id, registration_ids, context)


def push_workshop_news(kind: str, workshop_id: int, registration_ids: list[int], context: dict) -> int:
    workshop = Workshop.objects.select_related("room", "round").filter(pk=workshop_id).first()
    if workshop is None:
        return 0
    return send_to(
        registration_ids, lambda registration: WORKSHOP_NEWS[kind](workshop, context), ttl=WORKSHOP_NEWS_TTL
    )
