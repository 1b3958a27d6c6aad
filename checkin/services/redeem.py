"""Redeeming a badge at a door, and undoing it.

A redeem is a handful of queries: lock the registration row (so that concurrent scans of one
badge line up) and see its check-in and seat in the same query, insert the check-in and the
scan (whose unique nonce catches a retried upload). The partial unique indexes on CheckIn are the last word should anything slip past.
Only a workshop door without a booking costs more (the walk-in check, see `_has_seat`).

Scans queued offline arrive late and out of order. A CheckIn always holds the earliest scan
time of that person at that place: an upload of a scan made before the recorded check-in moves
the check-in back to it (and to its device), while the upload itself is answered
`already_checked_in`, being the later of the two to reach the server. A queued scan dated outside
the event's day (a phone whose clock was wrong) is refused: it would move a check-in there.
"""

from datetime import datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from checkin import live, sql, webhooks
from checkin.errors import CheckinError
from checkin.models import CheckIn, Device, ReplacedBadge, Scan
from events import badges
from events.errors import RegistrationError
from events.models import Event, Registration, Workshop, secret_hash
from events.services import book_walk_in

# last_seen_at is written at most this often per device: enough to see a door go quiet.
SEEN_RESOLUTION = timedelta(seconds=30)
# How far before and after the event's day (midnight to midnight, its time zone) a queued scan may
# be dated: a door that opens early, an evening programme, a phone's clock a little off.
SCAN_DAY_MARGIN = timedelta(hours=6)


def scan_window(event: Event) -> tuple[datetime, datetime]:
    """The times a scan of this event may be dated (SCAN_DAY_MARGIN around its day)."""
    zone = ZoneInfo(event.timezone)
    start = datetime.combine(event.date, time(0), tzinfo=zone)
    end = datetime.combine(event.date + timedelta(days=1), time(0), tzinfo=zone)
    return start - SCAN_DAY_MARGIN, end + SCAN_DAY_MARGIN


def _check_scan_time(event: Event, scanned_at: datetime) -> None:
    start, end = scan_window(event)
    if not start <= scanned_at <= end:
        raise CheckinError(
            "scan_time_outside_event",
            _("This scan is dated %(when)s, outside the day of the event; it is not counted.")
            % {"when": formats.date_format(timezone.localtime(scanned_at), "l j F Y, H:i")},
            field="scanned_at",
            status=422,
        )


def _earlier_answer(nonce: str, device: Device | None, user) -> Scan | None:
    earlier = Scan.objects.select_related("registration__municipality").filter(nonce=nonce).first()
    if earlier is None:
        return None
    if earlier.device_id != (device.pk if device else None) or earlier.user_id != (user.pk if user else None):
        raise CheckinError("nonce_reused", _("This nonce was used by another scanner."))
    return earlier


def replaced_badge(event: Event, secret: str) -> ReplacedBadge | None:
    """The reissued badge a scanned secret was, if it was one of this event's."""
    return (
        ReplacedBadge.objects.select_related("registration__municipality")
        .filter(badge_hash=secret_hash(badges.secret_from_payload(secret)), registration__event=event)
        .first()
    )


def _has_seat(registration: Registration, workshop: Workshop) -> bool:
    """Booked for the workshop, or just given a free seat as a walk-in (when the workshop allows it)."""
    if registration.has_seat:
        return True
    if not workshop.allow_walk_ins:
        return False
    try:
        book_walk_in(registration, workshop)
    except RegistrationError:
        return False
    return True


def _room_has_space(workshop: Workshop) -> bool:
    """A free place in the workshop's room: its check-ins are fewer than the room holds. Locks the
    workshop's row first, so that stewards letting people in at once line up and never pass it."""
    locked = Workshop.objects.select_for_update(of=("self",)).select_related("room").get(pk=workshop.pk)
    return CheckIn.objects.filter(workshop=workshop).count() < locked.room.capacity


def _decide(
    registration: Registration | None,
    workshop: Workshop | None,
    scanned_at: datetime,
    device,
    user,
    admit: bool = False,
    queued: bool = False,
) -> tuple[str, datetime | None, bool]:
    """(status, first check-in time for already_checked_in, let in as a walk-in)."""
    if registration is None:
        return Scan.Status.UNKNOWN, None, False
    if not registration.is_confirmed:
        return Scan.Status.CANCELLED, None, False
    walk_in = False
    if workshop is not None and registration.checkin_id is None and not _has_seat(registration, workshop):
        # Without a seat: "Toch binnenlaten" lets them in while the room has space.
        if not admit:
            return Scan.Status.NOT_BOOKED, None, False
        if not _room_has_space(workshop):
            return Scan.Status.ROOM_FULL, None, True
        walk_in = True
    if registration.checkin_id is None:
        return Scan.Status.OK, None, walk_in
    checkin_id, first_at = registration.checkin_id, registration.checked_in_at
    if queued and scanned_at < first_at:
        # A scan queued offline was made before the check-in on record: that is when they arrived.
        # Not a live scan: it is dated when it reached us, and one that waited for the lock while
        # another scanner's went first must not take that check-in over.
        CheckIn.objects.filter(pk=checkin_id).update(checked_in_at=scanned_at, device=device, user=user)
        first_at = scanned_at
    return Scan.Status.ALREADY_CHECKED_IN, first_at, False


def _touch(device: Device | None, now: datetime) -> None:
    if device is not None and (device.last_seen_at is None or now - device.last_seen_at >= SEEN_RESOLUTION):
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now


def redeem(
    *,
    event: Event,
    secret: str | None = None,
    reference: str | None = None,
    device: Device | None = None,
    user=None,
    workshop: Workshop | None = None,
    nonce: str | None = None,
    scanned_at: datetime | None = None,
    admit: bool = False,
) -> Scan:
    """Check a badge in at the entrance (`workshop` None) or at a workshop's door.

    `reference` instead of `secret` is for staff who found someone by name (no badge at hand).
    At a workshop's door without a booking, a workshop that takes walk-ins books a free seat.
    Otherwise the answer is `not_booked`, unless the steward lets them in anyway (`admit`, "Toch
    binnenlaten"): a walk-in check-in while the room has space, `room_full` once its check-ins
    reach the room's capacity. Someone already checked in here counts as in, booked or not.
    Every call leaves a Scan, also when the answer is no. The same `nonce` sent again (a retried
    upload from an offline queue) returns the first Scan unchanged: the unique index on the nonce
    turns the second insert away, and the first answer is looked up only then.
    """
    now = timezone.now()
    queued = scanned_at is not None
    if not queued:
        scanned_at = now
    else:
        # A queued scan keeps the time it was made; a phone clock ahead of ours never dates it later.
        scanned_at = min(scanned_at, now)
        _check_scan_time(event, scanned_at)
    for attempt in range(2):
        try:
            with transaction.atomic():
                registration = sql.lock_registration(event, secret, reference, workshop)
                status, first_checked_in_at, walk_in = _decide(
                    registration, workshop, scanned_at, device, user, admit, queued
                )
                if registration is None and secret and (replaced := replaced_badge(event, secret)):
                    # A lost badge's old QR: whose it was and since when it no longer counts.
                    status, registration = Scan.Status.REPLACED, replaced.registration
                    first_checked_in_at = replaced.replaced_at
                if status == Scan.Status.OK:
                    sql.insert(
                        CheckIn(
                            registration=registration,
                            workshop=workshop,
                            checked_in_at=scanned_at,
                            device=device,
                            user=user,
                            walk_in=walk_in,
                        )
                    )
                scan = sql.insert(
                    Scan(
                        event=event,
                        action=Scan.Action.REDEEM,
                        status=status,
                        registration=registration,
                        workshop=workshop,
                        device=device,
                        user=user,
                        nonce=nonce or None,
                        scanned_at=scanned_at,
                        first_checked_in_at=first_checked_in_at,
                        walk_in=walk_in,
                    )
                )
                _touch(device, now)
                if status == Scan.Status.OK:
                    webhooks.emit_scan(scan)
                    transaction.on_commit(partial(live.publish_checkin, scan))
                return scan
        except IntegrityError:
            # A nonce seen before: its first answer. Otherwise (without row locks) two first scans of
            # one badge raced: the second attempt sees the winner and answers like any later scan.
            if nonce and (earlier := _earlier_answer(nonce, device, user)):
                return earlier
            if attempt:
                raise
    raise AssertionError("unreachable")


def undo(
    *,
    event: Event,
    secret: str | None = None,
    reference: str | None = None,
    device: Device | None = None,
    user=None,
    workshop: Workshop | None = None,
) -> Scan:
    """Take back a check-in (a wrong badge at the door). Recorded like any scan."""
    now = timezone.now()
    with transaction.atomic():
        registration = sql.lock_registration(event, secret, reference)
        removed = 0
        if registration is not None:
            removed, _detail = CheckIn.objects.filter(registration=registration, workshop=workshop).delete()
        if removed:
            status = Scan.Status.UNDONE
        elif registration is None:
            status = Scan.Status.UNKNOWN
        else:
            status = Scan.Status.NOT_CHECKED_IN
        scan = Scan.objects.create(
            event=event,
            action=Scan.Action.UNDO,
            status=status,
            registration=registration,
            workshop=workshop,
            device=device,
            user=user,
            scanned_at=now,
        )
        _touch(device, now)
        if removed:
            webhooks.emit_scan(scan)
            transaction.on_commit(partial(live.publish_checkin, scan))
    return scan
