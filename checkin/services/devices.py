"""Scanner devices: creating them, pairing a phone by a one-time code, recognising a device by its
bearer token, revoking it, and where it scans."""

import re
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkin import doors, live
from checkin.errors import CheckinError
from checkin.models import Device, PairingCode
from events import audit
from events.models import Event, Room, Workshop, secret_hash
from events.room.models import CODE_ALPHABET, random_code

# Long enough to walk over to a volunteer with the QR on a screen; short enough that a photo of it
# is useless by the time anyone could misuse it.
PAIRING_LIFETIME = timedelta(minutes=15)
# What the audit trail records of a new device.
DESCRIBED = ["name", "kind", "room", "workshop"]
SCANNERS = (Device.Kind.SCANNER,)
IN_PERSON = Device.IN_PERSON
# The code a person types instead of scanning: 8 characters without 0/O, 1/I/L (about 40 bits),
# shown as two groups of 4. Safe because it expires with the QR's code, is used once, and a
# client's wrong tries are limited (RATE_LIMITS["pairing_typed"]) before it may try again.
SHORT_CODE_LENGTH = 8
SHORT_CODE_GROUP = 4
# Devices made at once from the devices page (one printed sheet).
BULK_MAX = 50

audit.describe(
    {
        "device.pairing_code_issued": _("Pairing code issued"),
        "device.paired": _("Scanner device paired"),
        "device.revoked": _("Scanner device revoked"),
        "device.door_changed": _("Door changed"),
    }
)


def create_device(
    *,
    event: Event,
    name: str,
    created_by=None,
    workshop: Workshop | None = None,
    room: Room | None = None,
    kind: str = Device.Kind.SCANNER,
) -> tuple[Device, str]:
    """A new device and its token; the token exists in the clear only here."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        device = Device.objects.create(
            event=event,
            name=name,
            kind=kind,
            token_hash=secret_hash(token),
            created_by=created_by,
            room=room,
            workshop=workshop,
        )
        audit.log(device, "device.created", changes=audit.changes({}, audit.values(device, DESCRIBED)))
    return device, token


# Every scan authenticates its device: each process remembers the devices it has seen for a few
# seconds (settings.SCANNER_DEVICE_MEMORY_SECONDS) instead of asking the database each time.
# Revoking or re-pairing forgets the device in the process that did it at once, in the others
# within that time.
_devices: dict[str, tuple[float, Device]] = {}


def authenticate_device(
    token: str, kinds: tuple[str, ...] = SCANNERS, *, fresh: bool = False
) -> Device | None:
    """The active device behind a bearer token, if it is of one of `kinds` (a kiosk's token does
    not scan). `fresh`: ask the database, not this process's memory (a socket, which stays open for
    hours, must not start on a device revoked seconds ago)."""
    token_hash = secret_hash(token)
    now = time.monotonic()
    remembered = _devices.get(token_hash)
    if not fresh and remembered is not None and now - remembered[0] < settings.SCANNER_DEVICE_MEMORY_SECONDS:
        device = remembered[1]
    else:
        device = Device.objects.active().select_related("event").filter(token_hash=token_hash).first()
        if device is None:
            _devices.pop(token_hash, None)  # unknown tokens are not remembered: no memory to fill
        else:
            _devices[token_hash] = (now, device)
    return device if device is not None and device.kind in kinds else None


def device_is_current(device: Device) -> bool:
    """The device is still active with the token it was recognised by (asks the database)."""
    return Device.objects.active().filter(pk=device.pk, token_hash=device.token_hash).exists()


def reset() -> None:
    """Forget every remembered device of this process, for tests and for a process that forks (the
    next request with each token checks it in the database again)."""
    _devices.clear()


def forget_device(device: Device) -> None:
    for token_hash, (_seen, remembered) in list(_devices.items()):
        if remembered.pk == device.pk:
            _devices.pop(token_hash, None)


@dataclass(frozen=True)
class IssuedPairing:
    """A new pairing code: the long one for the QR and the short one to type, in the clear only here."""

    pairing: PairingCode
    code: str
    short_code: str


def normalise_short_code(typed: str) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-]", "", typed).upper()


def is_short_code(typed: str) -> bool:
    code = normalise_short_code(typed)
    return len(code) == SHORT_CODE_LENGTH and all(char in CODE_ALPHABET for char in code)


def _short_code(taken: set[str]) -> str:
    """A short code whose hash no pairing code has had (the unique index is the last word)."""
    while True:
        code = random_code(SHORT_CODE_LENGTH)
        digest = secret_hash(code)
        if digest not in taken and not PairingCode.objects.filter(short_hash=digest).exists():
            taken.add(digest)
            return f"{code[:SHORT_CODE_GROUP]}-{code[SHORT_CODE_GROUP:]}"


def _issue(device: Device, taken: set[str]) -> IssuedPairing:
    """Inside a transaction: a device's new codes; its earlier unused ones stop working."""
    if device.is_revoked:
        raise CheckinError("device_revoked", _("This scanner device has been revoked."))
    code = secrets.token_urlsafe(16)  # 128 bits: not guessable within its lifetime
    short_code = _short_code(taken)
    now = timezone.now()
    device.pairing_codes.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    pairing = PairingCode.objects.create(
        device=device,
        code_hash=secret_hash(code),
        short_hash=secret_hash(normalise_short_code(short_code)),
        expires_at=now + PAIRING_LIFETIME,
    )
    audit.log(device, "device.pairing_code_issued")
    return IssuedPairing(pairing, code, short_code)


def issue_pairing(device: Device) -> IssuedPairing:
    """A one-time code for the device's pairing QR and a short one to type; earlier unused codes
    stop working."""
    with transaction.atomic():
        return _issue(device, set())


def new_pairing_code(device: Device) -> tuple[PairingCode, str]:
    """A one-time code for the device's pairing QR; earlier unused codes stop working."""
    issued = issue_pairing(device)
    return issued.pairing, issued.code


def create_devices(
    *,
    event: Event,
    prefix: str,
    count: int,
    kind: str = Device.Kind.SCANNER,
    created_by=None,
) -> list[tuple[Device, IssuedPairing]]:
    """`count` devices named "<prefix> 1", "<prefix> 2", … (after the highest number the prefix
    already has), each with its pairing codes: all of them or none."""
    if not 1 <= count <= BULK_MAX:
        raise CheckinError(
            "bulk_count", _("Make between 1 and %(max)s devices at once.") % {"max": BULK_MAX}, field="count"
        )
    prefix = prefix.strip()
    numbered = re.compile(rf"^{re.escape(prefix)} (\d+)$")
    with transaction.atomic():
        names = Device.objects.filter(event=event, name__startswith=f"{prefix} ").values_list("name", flat=True)
        start = max((int(match[1]) for name in names if (match := numbered.match(name))), default=0)
        taken: set[str] = set()
        made = []
        for number in range(start + 1, start + count + 1):
            device, _token = create_device(
                event=event, name=f"{prefix} {number}", kind=kind, created_by=created_by
            )
            made.append((device, _issue(device, taken)))
    return made


def pairing_for_code(code: str, *, short: bool = False) -> PairingCode:
    """The pairing code behind a QR (or, `short`, the normalised code typed instead), still usable;
    otherwise a coded error saying why not."""
    found = {"short_hash" if short else "code_hash": secret_hash(code)}
    pairing = PairingCode.objects.select_related("device__event", "device__workshop").filter(**found).first()
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


def pair_device(code: str, kinds: tuple[str, ...] = SCANNERS) -> tuple[Device, str]:
    """Exchange a pairing code for the device's token: once, before it expires, for a device of
    one of `kinds` (a scanner's app pairs scanners; a kiosk's or desk's browser pairs those).

    The token is new: a device is one phone, so pairing another phone signs the previous one out.
    Conditional updates make two phones racing for one code end with one winner.
    """
    return _pair(pairing_for_code(code), kinds)


def pair_by_short_code(typed: str) -> tuple[Device, str]:
    """Pair with the short code a person typed (any kind: the page it is typed into is in the
    browser that becomes the device). Unknown: 404; used, expired or revoked: 410."""
    return _pair(pairing_for_code(normalise_short_code(typed), short=True), Device.Kind.values)


def _pair(pairing: PairingCode, kinds) -> tuple[Device, str]:
    device = pairing.device
    if device.kind not in kinds:
        raise CheckinError(
            "pairing_code_other_kind",
            _("This code pairs a kiosk or registration desk: open its link in that browser.")
            if device.pairs_in_browser
            else _("This code pairs a scanner: scan it with the volunteer's phone."),
            status=409,
        )
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
        before = audit.values(device, ["paired_at"])
        device.token_hash, device.paired_at = secret_hash(token), now
        audit.log(device, "device.paired", changes=audit.changes(before, audit.values(device, ["paired_at"])))
        transaction.on_commit(partial(live.close_device_sockets, device.pk))  # the previous phone's
    forget_device(device)
    return device, token


def revoke_device(device: Device) -> Device:
    """The device's token stops working at once; its scans stay in the log."""
    now = timezone.now()
    with transaction.atomic():
        if Device.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=now):
            audit.log(device, "device.revoked", changes={"revoked_at": [None, audit.json_value(now)]})
        # Its open sockets too, on every process (through the channel layer).
        transaction.on_commit(partial(live.close_device_sockets, device.pk))
        device.pairing_codes.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    forget_device(device)
    device.refresh_from_db(fields=["revoked_at"])
    return device


UNCHANGED = object()


def set_door(device: Device, workshop=UNCHANGED, *, room=UNCHANGED) -> Device:
    """Where the device scans: `room` a room's door (None: the entrance), which follows the clock
    (checkin.doors); `workshop` the steward's override (None: follow the clock again), which holds
    until that workshop's round ends. A new room drops the override unless one is given with it."""
    event_id = device.event_id
    if workshop is not UNCHANGED and workshop is not None:
        if workshop.round.event_id != event_id:
            raise CheckinError("unknown_workshop", _("Unknown workshop."), field="workshop", status=422)
        if not doors.override_holds(workshop, timezone.now()):
            raise CheckinError(
                "session_over",
                _("This session is over: choose one that has not ended."),
                field="workshop",
                status=422,
            )
    if room is not UNCHANGED and room is not None and room.event_id != event_id:
        raise CheckinError("unknown_room", _("Unknown room."), field="room", status=422)
    with transaction.atomic():
        # The door as stored (the device may be a process's remembered copy), under the row's lock.
        stored = (
            Device.objects.select_for_update(of=("self",))
            .select_related("workshop", "room")
            .get(pk=device.pk)
        )
        before = audit.values(stored, ["room", "workshop"])
        device.room = stored.room if room is UNCHANGED else room
        if workshop is UNCHANGED:
            device.workshop = stored.workshop if room is UNCHANGED else None
        else:
            device.workshop = workshop
        Device.objects.filter(pk=device.pk).update(room=device.room, workshop=device.workshop)
        if changed := audit.changes(before, audit.values(device, ["room", "workshop"])):
            audit.log(device, "device.door_changed", changes=changed)
    return device
