"""Check-in data in the per-person export and the erasure (see events.signals).

Erasure unlinks the person's scans (Scan.registration is nullable: the scan log keeps its counts
per door and minute, anonymously). Check-ins stay linked to the erased registration, which from
then on holds no name, address or municipality: CheckIn needs its registration for the rule of one
check-in per person and place, and the attendance figures count these rows."""

from django.dispatch import receiver

from checkin.models import CheckIn, Scan
from events.selectors import iso
from events.signals import personal_data_requested, registration_erased


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
    }


@receiver(registration_erased, dispatch_uid="checkin.erase")
def erase(sender, registration, **kwargs) -> dict:
    return {"scans_unlinked": Scan.objects.filter(registration=registration).update(registration=None)}
