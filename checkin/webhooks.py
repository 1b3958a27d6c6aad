"""Check-in's webhook events (events.webhooks): a check-in at the entrance or at a workshop's door,
and one taken back, sent to the organisers' endpoints that subscribed, after commit."""

from checkin.models import Scan
from events.times import iso
from events.webhooks import APP_EVENT_TYPES, emit

CREATED = APP_EVENT_TYPES.register("check_in.created")
UNDONE = APP_EVENT_TYPES.register("check_in.undone")


def payload(scan: Scan) -> dict:
    """Small on purpose: who (the registration's reference, no personal data), where, when, what."""
    workshop = scan.workshop
    return {
        "reference": scan.registration.reference,
        "place": (
            {
                "kind": "workshop",
                "workshop": {"id": workshop.pk, "slug": workshop.slug, "title": workshop.title},
            }
            if workshop is not None
            else {"kind": "entrance", "workshop": None}
        ),
        "at": iso(scan.scanned_at),
        "status": scan.status,
    }


def emit_scan(scan: Scan) -> None:
    """A check-in (status `ok`) or its undo (`undone`). Call inside the scan's transaction: the
    deliveries are stored with it and sent once it commits (nothing when it rolls back)."""
    emit(scan.event_id, CREATED if scan.action == Scan.Action.REDEEM else UNDONE, payload(scan))
