"""State changes at the doors: scanner devices, redeeming a badge, undoing a check-in.

A redeem is a handful of queries: lock the registration row (so that concurrent scans of one
badge line up), look for an earlier answer to the same nonce, look for an earlier check-in,
insert. The partial unique indexes on CheckIn are the last word should anything slip past.
"""

import secrets
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkin.models import CheckIn, Device, Scan
from checkin.schemas import checkin_message
from events import badges, live
from events.errors import ServiceError
from events.models import Booking, Event, Registration, Workshop, secret_hash

# last_seen_at is written at most this often per device: enough to see a door go quiet.
SEEN_RESOLUTION = timedelta(seconds=30)


class CheckinError(ServiceError):
    pass


def create_device(*, event: Event, name: str, created_by=None) -> tuple[Device, str]:
    """A new scanner device and its bearer token; the token exists in the clear only here."""
    token = secrets.token_urlsafe(32)
    device = Device.objects.create(
        event=event, name=name, token_hash=secret_hash(token), created_by=created_by
    )
    return device, token


def authenticate_device(token: str) -> Device | None:
    return Device.objects.active().select_related("event").filter(token_hash=secret_hash(token)).first()


def _lock_registration(event: Event, secret: str) -> Registration | None:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("municipality")
        .filter(event=event, badge_hash=secret_hash(badges.secret_from_payload(secret)))
        .first()
    )


def _earlier_answer(nonce: str, device: Device | None, user) -> Scan | None:
    earlier = Scan.objects.select_related("registration__municipality").filter(nonce=nonce).first()
    if earlier is None:
        return None
    if earlier.device_id != (device.pk if device else None) or earlier.user_id != (user.pk if user else None):
        raise CheckinError("nonce_reused", _("This nonce was used by another scanner."))
    return earlier


def _decide(registration: Registration | None, workshop: Workshop | None) -> tuple[str, datetime | None]:
    if registration is None:
        return Scan.Status.UNKNOWN, None
    if not registration.is_confirmed:
        return Scan.Status.CANCELLED, None
    if (
        workshop is not None
        and not Booking.objects.filter(
            registration=registration, workshop=workshop, status=Booking.Status.BOOKED
        ).exists()
    ):
        return Scan.Status.NOT_BOOKED, None
    first = (
        CheckIn.objects.filter(registration=registration, workshop=workshop)
        .values_list("checked_in_at", flat=True)
        .first()
    )
    if first is not None:
        return Scan.Status.ALREADY_CHECKED_IN, first
    return Scan.Status.OK, None


def _touch(device: Device | None, now: datetime) -> None:
    if device is not None and (device.last_seen_at is None or now - device.last_seen_at >= SEEN_RESOLUTION):
        Device.objects.filter(pk=device.pk).update(last_seen_at=now)
        device.last_seen_at = now


def redeem(
    *,
    event: Event,
    secret: str,
    device: Device | None = None,
    user=None,
    workshop: Workshop | None = None,
    nonce: str | None = None,
    scanned_at: datetime | None = None,
) -> Scan:
    """Check a badge in at the entrance (`workshop` None) or at a workshop's door.

    Every call leaves a Scan, also when the answer is no. The same `nonce` sent again (a retried
    upload from an offline queue) returns the first Scan unchanged.
    """
    now = timezone.now()
    # A queued scan keeps the time it was made; a phone clock ahead of ours never dates it later.
    scanned_at = min(scanned_at or now, now)
    for attempt in range(2):
        try:
            with transaction.atomic():
                registration = _lock_registration(event, secret)
                if nonce and (earlier := _earlier_answer(nonce, device, user)):
                    return earlier
                status, first_checked_in_at = _decide(registration, workshop)
                if status == Scan.Status.OK:
                    CheckIn.objects.create(
                        registration=registration,
                        workshop=workshop,
                        checked_in_at=scanned_at,
                        device=device,
                        user=user,
                    )
                scan = Scan.objects.create(
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
                )
                _touch(device, now)
                if status == Scan.Status.OK:
                    transaction.on_commit(partial(_announce, scan))
                return scan
        except IntegrityError:
            # Two uploads of one nonce, or (without row locks) two first scans of one badge, raced:
            # the second attempt sees the winner and answers like any later scan.
            if attempt:
                raise
    raise AssertionError("unreachable")


def undo(
    *, event: Event, secret: str, device: Device | None = None, user=None, workshop: Workshop | None = None
) -> Scan:
    """Take back a check-in (a wrong badge at the door). Recorded like any scan."""
    now = timezone.now()
    with transaction.atomic():
        registration = _lock_registration(event, secret)
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
            transaction.on_commit(partial(_announce, scan))
    return scan


def _announce(scan: Scan) -> None:
    live.publish(live.DASHBOARD, checkin_message(scan))
