"""Scanner devices, every scan they make, and the check-ins those scans produce."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events import times
from events.models import Event, Registration, Room, Workshop


class DeviceQuerySet(models.QuerySet):
    def active(self) -> "DeviceQuerySet":
        return self.filter(revoked_at__isnull=True)


class Device(models.Model):
    """A phone at a door (a scanner), or a kiosk, registration desk or self check-in tablet's
    browser at the venue.

    A scanner authenticates its API calls with a bearer token; a kiosk or desk proves with the
    same token, kept in a signed HttpOnly cookie, that someone is there in person (checkin.presence).
    The token is stored hashed.
    """

    class Kind(models.TextChoices):
        SCANNER = "scanner", _("scanner (a phone at a door)")
        KIOSK = "kiosk", _("kiosk (the network signup at the venue)")
        DESK = "desk", _("registration desk")
        SELF = "self", _("self check-in (a tablet at the entrance)")

    # Kinds that stand at the venue and pair the browser they are (a cookie), not a phone app.
    IN_PERSON = (Kind.KIOSK, Kind.DESK, Kind.SELF)

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="devices", verbose_name=_("event")
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Named after its door, e.g. 'Entrance north'.")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SCANNER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Where it scans: kept here, not only on the phone, so organisers see and set every door in one
    # list, and a phone that reloads or is replaced comes back at the same door.
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("room"),
        help_text=_(
            "The room whose door it scans at; empty for the entrance. The workshop it checks follows "
            "the clock (checkin.doors)."
        ),
    )
    # The steward's override of the clock: this workshop is checked until its round ends.
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chosen session"),
        help_text=_("Checked instead of what the clock says, until this session's round ends."),
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

    @property
    def pairs_in_browser(self) -> bool:
        """A kiosk, desk or self check-in tablet pairs the browser it is (a cookie), a scanner its
        phone's app (a token)."""
        return self.kind in self.IN_PERSON


class PairingCode(models.Model):
    """A one-time, short-lived code in the pairing QR, and a short one to type instead; either is
    exchanged once for the device's token.

    Stored hashed, like the token: the QR on the organiser's screen is not itself a credential
    that stays valid, and a photo of it is useless after a few minutes or one use.
    """

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="pairing_codes")
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The short code a person types instead (checkin.services.devices.SHORT_CODE_LENGTH), hashed
    # too. NULL for codes made before there were short ones.
    short_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
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
        REPLACED = "replaced", _("badge replaced by a new one")
        ROOM_FULL = "room_full", _("room full")

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
    # For already_checked_in: when the first check-in happened; for replaced: when the badge was.
    first_checked_in_at = models.DateTimeField(null=True, blank=True)
    # The steward let someone without a seat in ("Toch binnenlaten"), or was asked to (room_full).
    walk_in = models.BooleanField(default=False)

    class Meta:
        ordering = ["-scanned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nonce"], condition=Q(nonce__isnull=False), name="scan_unique_nonce"
            )
        ]
        indexes = [models.Index(fields=["event", "-scanned_at"], name="scan_recent")]

    def __str__(self) -> str:
        return f"{self.action} {self.status} @ {times.clock(self.scanned_at, seconds=True)}"


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
    # Let in at a workshop's door without a seat there, by the steward's "Toch binnenlaten".
    walk_in = models.BooleanField(_("walk-in"), default=False)

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


class ReplacedBadge(models.Model):
    """A badge secret that was reissued (a lost badge): its QR scans as `replaced`, not `unknown`.

    Only the hash is kept, like the registration's own: a door that scans the old badge learns
    whose it was and when it stopped counting, nothing that would check anyone in.
    """

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="replaced_badges")
    badge_hash = models.CharField(max_length=64, unique=True, editable=False)
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["-replaced_at"]

    def __str__(self) -> str:
        return f"replaced badge of {self.registration_id}"


class BadgePrint(models.Model):
    """A badge printed at a registration desk. The first print comes with the check-in (one per
    person, however many desks scan them at once); every later one is a reprint, counted here."""

    class Layout(models.TextChoices):
        LABEL_62 = "62mm", _("Label roll 62 mm")
        CARD = "card", _("Card 54 × 86 mm")
        A6 = "a6", _("A6")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="badge_prints")
    layout = models.CharField(_("layout"), max_length=8, choices=Layout.choices, default=Layout.LABEL_62)
    reprint = models.BooleanField(_("reprint"), default=False)
    printed_at = models.DateTimeField(_("printed at"))
    device = models.ForeignKey(Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-printed_at", "-id"]
        verbose_name = _("badge print")
        verbose_name_plural = _("badge prints")
        constraints = [
            models.UniqueConstraint(
                fields=["registration"], condition=Q(reprint=False), name="badge_printed_once_on_arrival"
            )
        ]

    def __str__(self) -> str:
        return f"badge {self.registration_id} @ {times.clock(self.printed_at, seconds=True)}"
