"""State changes at the doors: scanner devices and their pairing, redeeming a badge, undoing it.

A redeem is a handful of queries: lock the registration row (so that concurrent scans of one
badge line up) and see its check-in and seat in the same query, insert the check-in and the
scan (whose unique nonce catches a retried upload). The partial unique indexes on CheckIn are the last word should anything slip past.
Only a workshop door without a booking costs more (the walk-in check, see `_has_seat`).

Scans queued offline arrive late and out of order. A CheckIn always holds the earliest scan
time of that person at that place: an upload of a scan made before the recorded check-in moves
the check-in back to it (and to its device), while the upload itself is answered
`already_checked_in`, being the later of the two to reach the server.
"""

import secrets
import time
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkin.models import CheckIn, Device, PairingCode, Scan
from checkin.schemas import checkin_message
from events import badges, live
from events.errors import RegistrationError, ServiceError
from events.models import Booking, Event, Municipality, Registration, Workshop, secret_hash
from events.services import book_walk_in

# last_seen_at is written at most this often per device: enough to see a door go quiet.
SEEN_RESOLUTION = timedelta(seconds=30)
# Long enough to walk over to a volunteer with the QR on a screen; short enough that a photo of it
# is useless by the time anyone could misuse it.
PAIRING_LIFETIME = timedelta(minutes=15)


class CheckinError(ServiceError):
    pass


def create_device(
    *, event: Event, name: str, created_by=None, workshop: Workshop | None = None
) -> tuple[Device, str]:
    """A new scanner device and its bearer token; the token exists in the clear only here."""
    token = secrets.token_urlsafe(32)
    device = Device.objects.create(
        event=event, name=name, token_hash=secret_hash(token), created_by=created_by, workshop=workshop
    )
    return device, token


# Every scan authenticates its device: each process remembers the devices it has seen for a few
# seconds (settings.SCANNER_DEVICE_MEMORY_SECONDS) instead of asking the database each time.
# Revoking or re-pairing forgets the device in the process that did it at once, in the others
# within that time.
_devices: dict[str, tuple[float, Device]] = {}


def authenticate_device(token: str) -> Device | None:
    token_hash = secret_hash(token)
    now = time.monotonic()
    remembered = _devices.get(token_hash)
    if remembered is not None and now - remembered[0] < settings.SCANNER_DEVICE_MEMORY_SECONDS:
        return remembered[1]
    device = Device.objects.active().select_related("event").filter(token_hash=token_hash).first()
    if device is None:
        _devices.pop(token_hash, None)  # unknown tokens are not remembered: no memory to fill
    else:
        _devices[token_hash] = (now, device)
    return device


def forget_device(device: Device) -> None:
    for token_hash, (_seen, remembered) in list(_devices.items()):
        if remembered.pk == device.pk:
            _devices.pop(token_hash, None)


def new_pairing_code(device: Device) -> tuple[PairingCode, str]:
    """A one-time code for the device's pairing QR; earlier unused codes stop working."""
    if device.is_revoked:
        raise CheckinError("device_revoked", _("This scanner device has been revoked."))
    code = secrets.token_urlsafe(16)  # 128 bits: not guessable within its lifetime
    now = timezone.now()
    with transaction.atomic():
        device.pairing_codes.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        pairing = PairingCode.objects.create(
            device=device, code_hash=secret_hash(code), expires_at=now + PAIRING_LIFETIME
        )
    return pairing, code


def pairing_for_code(code: str) -> PairingCode:
    """The pairing code behind a QR, still usable; otherwise a coded error saying why not."""
    pairing = (
        PairingCode.objects.select_related("device__event", "device__workshop")
        .filter(code_hash=secret_hash(code))
        .first()
    )
    if pairing is None:
        raise CheckinError("pairing_code_unknown", _("This pairing code does not exist."), status=404)
    if pairing.used_at is not None:
        raise CheckinError(
            "pairing_code_used", _("This pairing code has already been used. Ask for a new one."), status=410
        )
    if pairing.expires_at <= timezone.now():
        raise CheckinError(
            "pairing_code_expired", _("This pairing code has expired. Ask for a new one."), status=410
        )
    if pairing.device.is_revoked:
        raise CheckinError("device_revoked", _("This scanner device has been revoked."), status=410)
    return pairing


def pair_device(code: str) -> tuple[Device, str]:
    """Exchange a pairing code for the device's bearer token: once, before it expires.

    The token is new: a device is one phone, so pairing another phone signs the previous one out.
    Conditional updates make two phones racing for one code end with one winner.
    """
    pairing = pairing_for_code(code)
    device = pairing.device
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        claimed = PairingCode.objects.filter(pk=pairing.pk, used_at__isnull=True, expires_at__gt=now).update(
            used_at=now
        )
        if not claimed:
            raise CheckinError(
                "pairing_code_used",
                _("This pairing code has already been used. Ask for a new one."),
                status=410,
            )
        if (
            not Device.objects.active()
            .filter(pk=device.pk)
            .update(token_hash=secret_hash(token), paired_at=now)
        ):
            raise CheckinError("device_revoked", _("This scanner device has been revoked."), status=410)
    forget_device(device)
    device.token_hash, device.paired_at = secret_hash(token), now
    return device, token


def revoke_device(device: Device) -> Device:
    """The device's token stops working at once; its scans stay in the log."""
    now = timezone.now()
    with transaction.atomic():
        Device.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=now)
        device.pairing_codes.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    forget_device(device)
    device.refresh_from_db(fields=["revoked_at"])
    return device


def set_door(device: Device, workshop: Workshop | None) -> Device:
    """Where the device scans: a workshop's door, or the entrance (None)."""
    if workshop is not None and workshop.round.event_id != device.event_id:
        raise CheckinError("unknown_workshop", _("Unknown workshop."), field="workshop", status=422)
    Device.objects.filter(pk=device.pk).update(workshop=workshop)
    device.workshop = workshop
    return device


def _lock_registration(
    event: Event, secret: str | None, reference: str | None = None, workshop: Workshop | None = None
) -> Registration | None:
    """The registration a badge (or, typed in by staff, a reference) belongs to, locked, with its
    municipality and, in the same query, its check-in at this place (`checkin_id`, `checked_in_at`)
    and, at a workshop's door, whether it has a seat there (`has_seat`).

    Plain SQL, compiled once: this is the door's hot path, and building the statement with the
    ORM cost more CPU than running it (bench/README.md, "Where the time goes").
    """
    if secret:
        key, value = "badge_hash", secret_hash(badges.secret_from_payload(secret))
    elif reference:
        key, value = "reference", reference.strip().upper()
    else:
        return None
    sql = _LOCK_SQL[key, workshop is not None, connection.features.has_select_for_update_of]
    params = [workshop.pk] * 3 if workshop is not None else []
    rows = list(Registration.objects.raw(sql, [*params, value, event.pk]))
    if not rows:
        return None
    registration = rows[0]
    registration.checked_in_at = _as_read_by_orm(
        CheckIn._meta.get_field("checked_in_at"), registration.checked_in_at
    )
    if registration.municipality_id is not None:
        registration.municipality = Municipality(
            code=registration.municipality_id,
            name=registration.municipality_name,
            province=registration.municipality_province,
            population=registration.municipality_population,
        )
    if workshop is None:
        registration.has_seat = False
    return registration


def _lock_sql(key: str, at_workshop: bool, lock: bool) -> str:
    # Only names from the models' metadata go into the text; every value is a parameter.
    registrations = Registration._meta.db_table
    columns = ", ".join(f"r.{field.column}" for field in Registration._meta.concrete_fields)
    checkins = CheckIn._meta.db_table
    here = "c.workshop_id = %s" if at_workshop else "c.workshop_id IS NULL"
    seat = (
        f", EXISTS (SELECT 1 FROM {Booking._meta.db_table} b WHERE b.registration_id = r.id"  # noqa: S608
        f" AND b.workshop_id = %s AND b.status = '{Booking.Status.BOOKED}') AS has_seat"
        if at_workshop
        else ""
    )
    return (
        f"SELECT {columns}, m.name AS municipality_name, m.province AS municipality_province,"  # noqa: S608
        " m.population AS municipality_population,"
        f" (SELECT c.id FROM {checkins} c WHERE c.registration_id = r.id AND {here}) AS checkin_id,"
        f" (SELECT c.checked_in_at FROM {checkins} c WHERE c.registration_id = r.id AND {here})"
        f" AS checked_in_at{seat}"
        f" FROM {registrations} r LEFT JOIN {Municipality._meta.db_table} m ON m.code = r.municipality_id"
        f" WHERE r.{key} = %s AND r.event_id = %s" + (" FOR UPDATE OF r" if lock else "")
    )


# (lookup column, at a workshop's door, FOR UPDATE supported) → statement. SQLite has no row
# locks: its transactions take the database's write lock at BEGIN (transaction_mode IMMEDIATE).
_LOCK_SQL = {
    (key, at_workshop, lock): _lock_sql(key, at_workshop, lock)
    for key in ("badge_hash", "reference")
    for at_workshop in (False, True)
    for lock in (False, True)
}


def _as_read_by_orm(field, value):
    """A column read with plain SQL, converted as the ORM converts it (SQLite gives text for times)."""
    column = field.get_col(field.model._meta.db_table)
    for converter in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
        value = converter(value, column, connection)
    return value


def _insert(instance):
    """`instance.save()` of a new row, as a statement compiled once per model (the door's hot path:
    see _lock_registration). Fields get what save() would give them (auto_now_add included)."""
    model = type(instance)
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    if (sql := _INSERT_SQL.get(model)) is None:
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        sql = _INSERT_SQL[model] = (
            f"INSERT INTO {model._meta.db_table} ({columns})"  # noqa: S608 (names from the model)
            f" VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {model._meta.pk.column}"
        )
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    return instance


_INSERT_SQL: dict[type, str] = {}


def _earlier_answer(nonce: str, device: Device | None, user) -> Scan | None:
    earlier = Scan.objects.select_related("registration__municipality").filter(nonce=nonce).first()
    if earlier is None:
        return None
    if earlier.device_id != (device.pk if device else None) or earlier.user_id != (user.pk if user else None):
        raise CheckinError("nonce_reused", _("This nonce was used by another scanner."))
    return earlier


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


def _decide(
    registration: Registration | None, workshop: Workshop | None, scanned_at: datetime, device, user
) -> tuple[str, datetime | None]:
    if registration is None:
        return Scan.Status.UNKNOWN, None
    if not registration.is_confirmed:
        return Scan.Status.CANCELLED, None
    if workshop is not None and not _has_seat(registration, workshop):
        return Scan.Status.NOT_BOOKED, None
    if registration.checkin_id is None:
        return Scan.Status.OK, None
    checkin_id, first_at = registration.checkin_id, registration.checked_in_at
    if scanned_at < first_at:
        # A scan queued offline was made before the check-in on record: that is when they arrived.
        CheckIn.objects.filter(pk=checkin_id).update(checked_in_at=scanned_at, device=device, user=user)
        first_at = scanned_at
    return Scan.Status.ALREADY_CHECKED_IN, first_at


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
) -> Scan:
    """Check a badge in at the entrance (`workshop` None) or at a workshop's door.

    `reference` instead of `secret` is for staff who found someone by name (no badge at hand).
    At a workshop's door without a booking, a workshop that takes walk-ins books a free seat.
    Every call leaves a Scan, also when the answer is no. The same `nonce` sent again (a retried
    upload from an offline queue) returns the first Scan unchanged: the unique index on the nonce
    turns the second insert away, and the first answer is looked up only then.
    """
    now = timezone.now()
    # A queued scan keeps the time it was made; a phone clock ahead of ours never dates it later.
    scanned_at = min(scanned_at or now, now)
    for attempt in range(2):
        try:
            with transaction.atomic():
                registration = _lock_registration(event, secret, reference, workshop)
                status, first_checked_in_at = _decide(registration, workshop, scanned_at, device, user)
                if status == Scan.Status.OK:
                    _insert(
                        CheckIn(
                            registration=registration,
                            workshop=workshop,
                            checked_in_at=scanned_at,
                            device=device,
                            user=user,
                        )
                    )
                scan = _insert(
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
                    )
                )
                _touch(device, now)
                if status == Scan.Status.OK:
                    transaction.on_commit(partial(_announce, scan))
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
        registration = _lock_registration(event, secret, reference)
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
