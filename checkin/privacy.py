"""Check-in data in the per-person export and the erasure (see events.signals).

Erasure unlinks the person's scans (Scan.registration is nullable: the scan log keeps its counts
per door and minute, anonymously). Check-ins stay linked to the erased registration, which from
then on holds no name, address or municipality: CheckIn needs its registration for the rule of one
check-in per person and place, and the attendance figures count these rows."""

from django.dispatch import receiver

from checkin.models import BadgePrint, CheckIn, ReplacedBadge, Scan
from events.signals import personal_data_requested, registration_erased
from events.times import iso


@receiver(personal_data_requested, dispatch_uid="checkin.personal_data")
def personal_data(sender, registration, **kwargs) -> dict:
    checkins = CheckIn.objects.filter(registration=registration).select_related("workshop", "device")
    scans = Scan.objects.filter(registration=registration).select_related("workshop", "device")
    return {
        "checkins": [
            {
                "workshop": checkin.workshop.title if checkin.workshop else None,
                "door": checkin.device.name if checkin.device else None,
                "checked_in_at": iso(checkin.checked_in_at),
            }
            for checkin in checkins.order_by("checked_in_at", "pk")
        ],
        "scans": [
            {
                "action": scan.action,
                "status": scan.status,
                "workshop": scan.workshop.title if scan.workshop else None,
                "door": scan.device.name if scan.device else None,
                "scanned_at": iso(scan.scanned_at),
            }
            for scan in scans.order_by("scanned_at", "pk")
        ],
        "badge_prints": [
            {
                "layout": printed.layout,
                "reprint": printed.reprint,
                "desk": printed.device.name if printed.device else None,
                "printed_at": iso(printed.printed_at),
            }
            for printed in BadgePrint.objects.filter(registration=registration)
            .select_related("device")
            .order_by("printed_at", "pk")
        ],
        "badges_replaced_at": [
            iso(replaced.replaced_at)
            for replaced in ReplacedBadge.objects.filter(registration=registration).order_by(
                "replaced_at", "pk"
            )
        ],
    }


@receiver(registration_erased, dispatch_uid="checkin.erase")
def erase(sender, registration, **kwargs) -> dict:
    return {"scans_unlinked": Scan.objects.filter(registration=registration).update(registration=None)}
