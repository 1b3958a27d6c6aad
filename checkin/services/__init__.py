"""State changes at the doors: scanner devices and their pairing (`devices`), redeeming a badge and
undoing it (`redeem`),
badges checked in and printed at a desk, reprinted and reissued (`badges`), the self check-in
tablet at the entrance (`selfcheckin`). The statements of the door's hot path are compiled in `checkin.sql`.

Every name is importable from `checkin.services` as well.
"""

from checkin.services.badges import (
    CHECKED_IN,
    DeskAnswer,
    check_in_and_print,
    first_workshop,
    reissue_badge,
    reprint_badge,
    walk_in,
)
from checkin.services.devices import (
    BULK_MAX,
    IN_PERSON,
    PAIRING_LIFETIME,
    SCANNERS,
    IssuedPairing,
    authenticate_device,
    create_device,
    create_devices,
    device_is_current,
    forget_device,
    is_short_code,
    issue_pairing,
    new_pairing_code,
    pair_by_short_code,
    pair_device,
    pairing_for_code,
    revoke_device,
    set_door,
)
from checkin.services.redeem import SEEN_RESOLUTION, redeem, undo
from checkin.services.selfcheckin import SELF_REPRINTS, SelfAnswer, self_check_in, self_reprint

__all__ = [
    "BULK_MAX",
    "CHECKED_IN",
    "IN_PERSON",
    "PAIRING_LIFETIME",
    "SCANNERS",
    "SEEN_RESOLUTION",
    "SELF_REPRINTS",
    "DeskAnswer",
    "IssuedPairing",
    "SelfAnswer",
    "authenticate_device",
    "check_in_and_print",
    "create_device",
    "create_devices",
    "device_is_current",
    "first_workshop",
    "forget_device",
    "is_short_code",
    "issue_pairing",
    "new_pairing_code",
    "pair_by_short_code",
    "pair_device",
    "pairing_for_code",
    "redeem",
    "reissue_badge",
    "reprint_badge",
    "revoke_device",
    "self_check_in",
    "self_reprint",
    "set_door",
    "undo",
    "walk_in",
]
