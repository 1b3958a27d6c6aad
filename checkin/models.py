"""Scanner devices, every scan they make, and the check-ins those scans produce."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Event, Registration, Workshop


class DeviceQuerySet(models.QuerySet):
    def active(self) -> "DeviceQuerySet":
        return self.filter(revoked_at__isnull=True)


class Device(models.Model):
    """A phone or tablet at a door. Authenticates with a bearer token that is stored hashed."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="devices", verbose_name=_("event")
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Named after its door, e.g. 'Entrance north'.")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Where it scans: kept here, not only on the phone, so organisers see and set every door in one
    # list, and a phone that reloads or is replaced comes back at the same door.
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
        help_text=_("The workshop whose door it scans at; empty for the entrance."),
    )
    paired_at = models.DateTimeField(_("paired at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("scanner device")
        verbose_name_plural = _("scanner devices")

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class PairingCode(models.Model):
    """A one-time, short-lived code in the pairing QR; exchanged once for the device's token.

    Stored hashed, like the token: the QR on the organiser's screen is not itself a credential
    that stays valid, and a photo of it is useless after a few minutes or one use.
    """

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="pairing_codes")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"pairing code for {self.device_id}"


class Scan(models.Model):
    """Every scan a door made, also the failed ones: the log of what happened at the doors."""

    class Action(models.TextChoices):
        REDEEM = "redeem", _("check in")
        UNDO = "undo", _("undo")

    class Status(models.TextChoices):
        OK = "ok", _("checked in")
        ALREADY_CHECKED_IN = "already_checked_in", _("already checked in")
        UNKNOWN = "unknown", _("unknown badge")
        CANCELLED = "cancelled", _("registration cancelled")
        NOT_BOOKED = "not_booked", _("not booked for this workshop")
        UNDONE = "undone", _("check-in undone")
        NOT_CHECKED_IN = "not_checked_in", _("was not checked in")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="scans")
    action = models.CharField(max_length=8, choices=Action.choices, default=Action.REDEEM)
    status = models.CharField(max_length=24, choices=Status.choices)
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="scans"
    )
    workshop = models.ForeignKey(
        Workshop, on_delete=models.SET_NULL, null=True, blank=True, related_name="scans"
    )
    device = models.ForeignKey(Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="scans")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Client-chosen; a retried upload with the same nonce gets the first answer back. NULL, not "",
    # for scans without one, so that the unique index only covers real nonces.
    nonce = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # When the door scanned it (differs from created_at for scans queued offline).
    scanned_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    # For already_checked_in: when the first check-in happened.
    first_checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-scanned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nonce"], condition=Q(nonce__isnull=False), name="scan_unique_nonce"
            )
        ]
        indexes = [models.Index(fields=["event", "-scanned_at"], name="scan_recent")]

    def __str__(self) -> str:
        return f"{self.action} {self.status} @ {self.scanned_at:%H:%M:%S}"


class CheckIn(models.Model):
    """A person is in: at the entrance (no workshop) or in a workshop room. One per person per place."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="checkins")
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, null=True, blank=True, related_name="checkins"
    )
    checked_in_at = models.DateTimeField()
    device = models.ForeignKey(
        Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="checkins"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-checked_in_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        # NULL never equals NULL in a unique index, so the entrance gets its own constraint.
        constraints = [
            models.UniqueConstraint(
                fields=["registration"], condition=Q(workshop__isnull=True), name="checkin_once_at_entrance"
            ),
            models.UniqueConstraint(
                fields=["registration", "workshop"],
                condition=Q(workshop__isnull=False),
                name="checkin_once_per_workshop",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} @ {self.workshop_id or 'entrance'}"
