"""Check-in's rows in a backup of an edition (see events.backup): devices with their hashed
tokens (paired phones keep working after a restore), pairing codes, scans and check-ins,
badges printed at the desks and replaced badges (their old QR keeps scanning as `replaced`)."""

from checkin.models import BadgePrint, CheckIn, Device, PairingCode, ReplacedBadge, Scan
from events.backup import part

part(Device, lambda event: Device.objects.filter(event=event).order_by("pk"))
part(PairingCode, lambda event: PairingCode.objects.filter(device__event=event).order_by("pk"))
part(Scan, lambda event: Scan.objects.filter(event=event).order_by("pk"))
part(CheckIn, lambda event: CheckIn.objects.filter(registration__event=event).order_by("pk"))
part(BadgePrint, lambda event: BadgePrint.objects.filter(registration__event=event).order_by("pk"))
part(ReplacedBadge, lambda event: ReplacedBadge.objects.filter(registration__event=event).order_by("pk"))
