"""Live events of the check-in, published through events.live after commit."""

from django.utils import timezone

from checkin import sql
from checkin.models import Scan
from checkin.schemas import recent_scan_out
from events import live


def checkin_message(scan: Scan) -> dict:
    """`checkin` or `undo`, with the new totals so that a dashboard never drifts.

    The three totals are one query, compiled once (checkin.sql): it runs after every scan.
    """
    totals = sql.checkin_totals(scan.registration.event_id, scan.workshop_id, scan.device_id, scan.user_id)
    last_seen = scan.device.last_seen_at if scan.device and scan.device.last_seen_at else scan.created_at
    line = recent_scan_out(scan)
    return {
        "type": "checkin" if scan.action == Scan.Action.REDEEM else "undo",
        "scan": line,
        "workshop": scan.workshop_id,
        "checked_in": totals["checked_in"],
        "workshop_checked_in": totals["workshop_checked_in"] if scan.workshop_id else None,
        "source": {
            "key": line["source"],
            "name": line["device"],
            "kind": "device" if scan.device_id else "user",
            "checked_in": totals["source_checked_in"],
            "last_seen_at": timezone.localtime(last_seen).isoformat(),
        },
    }


def publish_checkin(scan: Scan) -> None:
    """A check-in or an undo, to the dashboards of its edition."""
    live.publish(live.dashboard(scan.event_id), checkin_message(scan))


def device_group(device_id: int) -> str:
    """The sockets opened with this device's token (see checkin.consumers)."""
    return f"device.{device_id}"


def close_device_sockets(device_id: int) -> None:
    """The device's token ended (revoked, or paired to another phone): its sockets close."""
    live.close_sockets(device_group(device_id))
