"""Badges at the registration desk: checked in and printed in one scan, reprinted, reissued.

The first print comes with the check-in: one per person (a partial unique index), so two desks
that scan the same badge at once give one check-in and one print, and the second desk is told
when and where it was printed. Every later print is a reprint, counted and in the audit trail.

A lost badge is reissued: a new secret (and a new badge image link), while the old secret's hash
is kept so that its QR scans as `replaced`, with the time, instead of `unknown`.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkin.errors import CheckinError
from checkin.models import BadgePrint, Device, ReplacedBadge, Scan
from checkin.services.redeem import redeem
from events import audit, badges
from events.models import Booking, Event, Registration, Round, Workshop, secret_hash
from events.services import new_badge_token, register, save_changes
from events.services.seats import lock_registration

# What a desk's one field holds: a scanned QR (DLD1:…, or the bare 32-character secret) or a
# typed reference (a few characters).
LONGEST_REFERENCE = Registration._meta.get_field("reference").max_length

# Answers of a redeem after which the person is in, so their badge may be printed.
CHECKED_IN = {Scan.Status.OK, Scan.Status.ALREADY_CHECKED_IN}


@dataclass(frozen=True)
class DeskAnswer:
    scan: Scan
    # The badge to print now (the first print), or None.
    printed: BadgePrint | None
    # Printed before (another desk, a minute ago): the desk offers a reprint instead.
    printed_before: BadgePrint | None

    @property
    def checked_in(self) -> bool:
        """The person is in (now or before); otherwise the desk shows the answer in red."""
        return self.scan.status in CHECKED_IN


def valid_layout(layout: str) -> str:
    if layout not in BadgePrint.Layout.values:
        raise CheckinError("unknown_layout", _("Unknown badge layout."), field="layout", status=422)
    return layout


def check_in_and_print(
    *, event: Event, code: str, layout: str, device: Device | None = None, user=None
) -> DeskAnswer:
    """A desk scanned a badge (or typed a reference): check the person in at the entrance and
    hand out the first print of their badge, unless it was printed before."""
    layout = valid_layout(layout)
    code = (code or "").strip()
    if not code:
        raise CheckinError("code_required", _("Scan a badge or type a reference."), field="code", status=422)
    is_reference = len(code) <= LONGEST_REFERENCE and not code.upper().startswith(badges.PAYLOAD_PREFIX)
    scan = redeem(
        event=event,
        secret=None if is_reference else code,
        reference=code if is_reference else None,
        device=device,
        user=user,
    )
    if scan.status not in CHECKED_IN:
        return DeskAnswer(scan=scan, printed=None, printed_before=None)
    try:
        with transaction.atomic():
            printed = BadgePrint.objects.create(
                registration=scan.registration,
                layout=layout,
                printed_at=timezone.now(),
                device=device,
                user=user,
            )
    except IntegrityError:
        # The partial unique index on the first print decides: another desk printed it.
        earlier = BadgePrint.objects.get(registration=scan.registration, reprint=False)
        return DeskAnswer(scan=scan, printed=None, printed_before=earlier)
    return DeskAnswer(scan=scan, printed=printed, printed_before=None)


def walk_in(
    *,
    event: Event,
    layout: str,
    proven: bool,
    language: str,
    device: Device | None = None,
    user=None,
    **person,
) -> DeskAnswer:
    """Someone not registered at the desk: registered (`person` as for events' `register`),
    checked in and their first badge printed, all or nothing."""
    with transaction.atomic():
        registration, _manage_token = register(
            event=event, language=language, proven=proven, by_organiser=device is None, **person
        )
        return check_in_and_print(
            event=event, code=registration.badge_secret, layout=layout, device=device, user=user
        )


def print_again(registration: Registration, *, layout: str, device: Device | None, user) -> BadgePrint:
    """A reprint of a locked registration's badge: counted and in the audit trail."""
    printed = BadgePrint.objects.create(
        registration=registration,
        layout=layout,
        reprint=True,
        printed_at=timezone.now(),
        device=device,
        user=user,
    )
    reprints = BadgePrint.objects.filter(registration=registration, reprint=True).count()
    audit.log(registration, "badge.reprinted", data={"reprints": reprints, "layout": layout})
    return printed


def reprint_badge(
    registration: Registration, *, layout: str, device: Device | None = None, user=None
) -> BadgePrint:
    """Another print of the same badge (jammed label, wrong size): counted and in the audit trail."""
    layout = valid_layout(layout)
    with transaction.atomic():
        registration = lock_registration(registration)
        return print_again(registration, layout=layout, device=device, user=user)


def reissue_badge(
    registration: Registration, *, layout: str | None = None, device: Device | None = None, user=None
) -> ReplacedBadge:
    """A lost badge: a new secret and badge image link; the old QR scans as `replaced` from now on.

    With `layout` (at the desk) the new badge is printed in the same transaction. Returns the
    replaced badge; its `registration` is the one with the new badge."""
    if layout is not None:
        layout = valid_layout(layout)
    with transaction.atomic():
        registration = lock_registration(registration)
        replaced = ReplacedBadge.objects.create(
            registration=registration, badge_hash=registration.badge_hash, replaced_at=timezone.now()
        )
        secret = badges.new_secret()
        save_changes(
            registration, {"badge_secret": secret, "badge_hash": secret_hash(secret), **new_badge_token()}
        )
        reissued = ReplacedBadge.objects.filter(registration=registration).count()
        audit.log(registration, "badge.reissued", data={"reissued": reissued})
        if layout is not None:
            print_again(registration, layout=layout, device=device, user=user)
    return replaced


def first_workshop(registration: Registration) -> Workshop | None:
    """The workshop of their earliest workshop round with a seat (not the plenary everyone
    attends): printed on the badge, with its room."""
    booking = (
        Booking.objects.filter(
            registration=registration,
            status=Booking.Status.BOOKED,
            workshop__round__kind=Round.Kind.WORKSHOPS,
        )
        .select_related("workshop__room", "workshop__round")
        .order_by("workshop__round__starts_at")
        .first()
    )
    return booking.workshop if booking else None
