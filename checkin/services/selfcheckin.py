"""The self check-in tablet at the entrance: the attendee shows the QR of their badge (mail or
phone) or types their reference with their last name, and is checked in with the first print of
their badge, as at a desk (`check_in_and_print`, in one transaction: two tablets with the same
person at once give one check-in and one print).

The tablet stands alone, so it tells nobody anything but the person's own answer. A reference
alone is short and may be seen over a shoulder: with the last name it must match, and the
attempts by reference are limited per tablet (`self_checkin` in settings.RATE_LIMITS). A wrong
name answers exactly as an unknown reference.

Someone already in whose badge was printed before gets no new print by itself (a second scan or a
second tablet would waste labels and hand out a copy of a valid badge); they may ask for one
reprint on the tablet (a jammed label), counted and in the audit trail like a desk's. More than
that, or a lost badge, is for the desk.
"""

import unicodedata
from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from checkin.errors import CheckinError
from checkin.models import BadgePrint, Device, Scan
from checkin.services.badges import (
    CHECKED_IN,
    LONGEST_REFERENCE,
    check_in_and_print,
    first_workshop,
    print_again,
    valid_layout,
)
from checkin.services.redeem import redeem
from config import ratelimit
from events import badges
from events.models import Registration, Workshop
from events.services.seats import lock_registration

# Reprints a person may ask for at the tablets (the desk has no such limit).
SELF_REPRINTS = 1
# How long the "print again" button of an answer works: the screen resets well before.
REPRINT_PROOF_SECONDS = 60
REPRINT_PROOF_SALT = "checkin.selfcheckin.reprint"


@dataclass(frozen=True)
class SelfAnswer:
    # ok, already_checked_in, unknown, cancelled or replaced (Scan.Status)
    status: str
    # Only for someone checked in: theirs is the only data the tablet shows.
    registration: Registration | None = None
    workshop: Workshop | None = None
    # The badge to print now (their first print), or None.
    printed: BadgePrint | None = None
    # For someone printed before: a reprint they may still ask for, with its proof.
    reprint_proof: str = ""

    @property
    def checked_in(self) -> bool:
        return self.status in CHECKED_IN


def _simple(name: str) -> str:
    """A name as compared: no case, accents, spaces, hyphens or apostrophes."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if char.isalnum())


def same_last_name(registered: str, typed: str) -> bool:
    """The typed last name is the registered one, or its last word ("Dijk" for "van Dijk")."""
    typed = _simple(typed)
    words = registered.replace("-", " ").split()
    return bool(typed) and typed in {_simple(registered), _simple(words[-1]) if words else ""}


def _tablet(device: Device) -> Device:
    if device is None or device.kind != Device.Kind.SELF or device.is_revoked:
        raise CheckinError("not_self_checkin", _("This is not a self check-in tablet."), status=403)
    return device


def _is_badge(code: str) -> bool:
    """A badge's QR (DLD1:…, or its bare secret), not a typed reference: the camera's path never
    takes a reference, which needs the last name."""
    return code.upper().startswith(badges.PAYLOAD_PREFIX) or len(code) > LONGEST_REFERENCE


def _secret_by_reference(device: Device, reference: str, last_name: str) -> str | None:
    if not ratelimit.allowed("self_checkin", str(device.pk)):
        raise CheckinError(
            "rate_limited", _("Too many attempts on this tablet. Please go to the desk."), status=429
        )
    if not last_name.strip():
        raise CheckinError("last_name_required", _("Type your last name too."), field="last_name", status=422)
    registration = (
        Registration.objects.filter(event=device.event, reference=reference.strip().upper())
        .only("last_name", "badge_secret")
        .first()
    )
    if registration is None or not same_last_name(registration.last_name, last_name):
        return None
    return registration.badge_secret


def reprint_proof(registration: Registration, device: Device) -> str:
    return signing.dumps([registration.pk, device.pk], salt=REPRINT_PROOF_SALT)


def _self_reprints(registration: Registration) -> int:
    return BadgePrint.objects.filter(
        registration=registration, reprint=True, device__kind=Device.Kind.SELF
    ).count()


def self_check_in(
    *, device: Device, layout: str, code: str = "", reference: str = "", last_name: str = ""
) -> SelfAnswer:
    """A person at the tablet: `code` the QR its camera read, or `reference` with `last_name` typed."""
    device = _tablet(device)
    layout = valid_layout(layout)
    code, reference = (code or "").strip(), (reference or "").strip()
    if code:
        secret = code if _is_badge(code) else None
    elif reference:
        secret = _secret_by_reference(device, reference, last_name or "")
    else:
        raise CheckinError(
            "code_required", _("Show your QR code, or type your reference."), field="reference", status=422
        )
    with transaction.atomic():
        if secret is None:
            # Recorded like any miss at a door; nobody's data in the answer.
            return SelfAnswer(status=redeem(event=device.event, device=device).status)
        answer = check_in_and_print(event=device.event, code=secret, layout=layout, device=device)
        scan = answer.scan
        if scan.status not in CHECKED_IN:
            return SelfAnswer(status=scan.status)
        registration = scan.registration
        may_reprint = answer.printed is None and _self_reprints(registration) < SELF_REPRINTS
        return SelfAnswer(
            status=scan.status,
            registration=registration,
            workshop=first_workshop(registration),
            printed=answer.printed,
            reprint_proof=reprint_proof(registration, device) if may_reprint else "",
        )


def self_reprint(*, device: Device, proof: str, layout: str) -> SelfAnswer:
    """The reprint an answer offered (its `reprint_proof`): once per person at the tablets."""
    device = _tablet(device)
    layout = valid_layout(layout)
    try:
        registration_id, device_id = signing.loads(
            proof, salt=REPRINT_PROOF_SALT, max_age=REPRINT_PROOF_SECONDS
        )
    except (signing.BadSignature, TypeError, ValueError):
        device_id = None
    if device_id != device.pk:  # expired, forged, or another tablet's
        raise CheckinError(
            "reprint_expired", _("Show your QR code or type your reference again."), status=410
        )
    with transaction.atomic():
        registration = Registration.objects.filter(pk=registration_id, event=device.event).first()
        if registration is None or not registration.is_confirmed:
            return SelfAnswer(status=Scan.Status.CANCELLED)
        registration = lock_registration(registration)
        if _self_reprints(registration) >= SELF_REPRINTS:
            raise CheckinError(
                "reprint_limit", _("Your badge was printed again already. Please go to the desk."), status=409
            )
        printed = print_again(registration, layout=layout, device=device, user=None)
        return SelfAnswer(
            status=Scan.Status.ALREADY_CHECKED_IN,
            registration=registration,
            workshop=first_workshop(registration),
            printed=printed,
        )
