"""The day itself: edition, rooms, rounds, workshops, and the people registered for it."""

import hashlib
import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def secret_hash(secret: str) -> str:
    """SHA-256 of a secret as stored in the database: lookups by hash, never by the secret itself."""
    return hashlib.sha256(secret.encode()).hexdigest()


class Province(models.TextChoices):
    GRONINGEN = "Groningen", "Groningen"
    FRYSLAN = "Fryslân", "Fryslân"
    DRENTHE = "Drenthe", "Drenthe"
    OVERIJSSEL = "Overijssel", "Overijssel"
    FLEVOLAND = "Flevoland", "Flevoland"
    GELDERLAND = "Gelderland", "Gelderland"
    UTRECHT = "Utrecht", "Utrecht"
    NOORD_HOLLAND = "Noord-Holland", "Noord-Holland"
    ZUID_HOLLAND = "Zuid-Holland", "Zuid-Holland"
    ZEELAND = "Zeeland", "Zeeland"
    NOORD_BRABANT = "Noord-Brabant", "Noord-Brabant"
    LIMBURG = "Limburg", "Limburg"


class Municipality(models.Model):
    """A Dutch municipality, keyed by its CBS code (`GM0363`). Reference data shared by all apps."""

    code = models.CharField(_("CBS code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.CharField(_("province"), max_length=20, choices=Province.choices)
    # Inhabitants (CBS); groups municipalities by size on dashboards and in suggestions.
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        indexes = [models.Index(Lower("name"), name="municipality_lower_name")]

    def __str__(self) -> str:
        return self.name


class EventQuerySet(models.QuerySet):
    def current(self) -> "Event | None":
        """The edition the site is about: `EVENT_SLUG` if set, else the next one, else the last one."""
        slug = getattr(settings, "EVENT_SLUG", "")
        if slug:
            return self.filter(slug=slug).first()
        today = timezone.localdate()
        return self.filter(date__gte=today).order_by("date").first() or self.order_by("-date").first()


class Event(models.Model):
    """One edition of the day; next year is a new row."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    date = models.DateField(_("date"))
    venue = models.CharField(_("venue"), max_length=200)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("Maximum number of attendees."))
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.name

    def registration_is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now >= self.registration_closes_at)


class Room(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("event"))
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveIntegerField(_("capacity"))
    directions = models.CharField(
        _("directions"), max_length=200, blank=True, help_text=_("How to find the room on the day.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.UniqueConstraint(fields=["event", "name"], name="room_unique_name")]

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("plenary")
        WORKSHOPS = "workshops", _("workshop round")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("event"))
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.WORKSHOPS)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="round_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_bookable(self) -> bool:
        return self.kind == self.Kind.WORKSHOPS


class Theme(models.TextChoices):
    """The six action lines (actielijnen) of Democratie in Actie."""

    STRONG_COUNCIL = "krachtige-gemeenteraad", _("A strong, connecting council")
    OFFICE_HOLDERS = "politieke-ambtsdragers", _("Support for political office holders")
    ENGAGING_RESIDENTS = "inwoners-betrekken", _("Engaging residents")
    TASK_AND_AREA = "opgave-gebiedsgericht", _("Task- and area-based work")
    CITIZENSHIP = "burgerschap-transparantie", _("Democratic citizenship and transparency")
    SCALING_UP = "opschalen-uitbreiden", _("Scaling up and expanding")


class Speaker(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return self.name


class WorkshopQuerySet(models.QuerySet):
    def with_counts(self) -> "WorkshopQuerySet":
        return self.annotate(
            booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)),
            waitlisted=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
        )

    def programme(self, event: Event) -> "WorkshopQuerySet":
        return (
            self.filter(round__event=event)
            .select_related("round", "room")
            .prefetch_related("speakers")
            .with_counts()
            .order_by("round__starts_at", "title")
        )

    def programme_item(self, workshop_id: int) -> "Workshop":
        return (
            self.select_related("round", "room")
            .prefetch_related("speakers")
            .with_counts()
            .get(pk=workshop_id)
        )


class Workshop(models.Model):
    """A session in a round: a bookable workshop, or a plenary session everybody attends."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    # The calendar UID: never derived from host, room or time, and kept across export/import.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("round")
    )
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("room"))
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    theme = models.CharField(_("theme"), max_length=40, choices=Theme.choices, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    speakers = models.ManyToManyField(
        Speaker, blank=True, related_name="workshops", verbose_name=_("speakers")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    allow_walk_ins = models.BooleanField(
        _("walk-ins allowed"),
        default=False,
        help_text=_("At the door, attendees without a booking get a free seat (the scan books it)."),
    )
    # Bumped on every change attendees should see; the iCalendar SEQUENCE.
    sequence = models.PositiveIntegerField(_("sequence"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["round__starts_at", "title"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        constraints = [
            models.UniqueConstraint(fields=["round", "slug"], name="workshop_unique_slug_per_round"),
            models.UniqueConstraint(
                fields=["round", "room"],
                condition=Q(status="scheduled"),
                name="workshop_one_per_room_and_round",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_bookable(self) -> bool:
        return self.round.is_bookable and self.status == self.Status.SCHEDULED

    @property
    def seats_left(self) -> int:
        """Needs the `booked` annotation of `Workshop.objects.with_counts()`."""
        return max(self.capacity - self.booked, 0)


class Role(models.TextChoices):
    COUNCILLOR = "raadslid", _("Council member")
    COMMITTEE_MEMBER = "commissielid", _("Committee member")
    ALDERMAN = "wethouder", _("Alderman")
    MAYOR = "burgemeester", _("Mayor")
    CLERK = "griffier", _("Council clerk")
    MUNICIPAL_SECRETARY = "gemeentesecretaris", _("Municipal secretary")
    CIVIL_SERVANT = "ambtenaar", _("Civil servant")
    OTHER = "anders", _("Other")


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("municipality"),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    needs = models.TextField(_("accessibility or dietary needs"), blank=True)
    directory_opt_in = models.BooleanField(_("listed in the attendee directory"), default=False)
    # Consent records: when the attendee last joined the directory, and last left it (then later
    # than the joining). Both are kept, so that the record shows when consent was given and withdrawn.
    directory_opt_in_at = models.DateTimeField(
        _("joined the directory at"), null=True, blank=True, editable=False
    )
    directory_opt_out_at = models.DateTimeField(
        _("left the directory at"), null=True, blank=True, editable=False
    )
    # Shown in the attendee directory (networking) only while directory_opt_in is on.
    interests = models.JSONField(
        _("interests"), default=list, blank=True, help_text=_("Themes (action lines).")
    )
    talk_about = models.CharField(_("I would like to talk about"), max_length=200, blank=True)
    privacy_accepted_at = models.DateTimeField(editable=False)
    # Both secrets are kept (badges are drawn from one, every e-mail carries the other) but the
    # database is searched by their SHA-256 only, so lookups leak nothing through timing.
    badge_secret = models.CharField(max_length=64, editable=False)
    badge_hash = models.CharField(max_length=64, unique=True, editable=False)
    manage_token = models.CharField(max_length=64, editable=False)
    manage_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    # Set by events.services.erase_registration: the row is anonymous from then on (statistics only).
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "event", condition=Q(status="confirmed"), name="registration_one_per_email"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.full_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def affiliation(self) -> str:
        """Municipality name, or the organisation for attendees from elsewhere."""
        return self.municipality.name if self.municipality_id else self.organisation

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class Booking(models.Model):
    """A registration's place in one workshop: a seat, or a place in its waitlist."""

    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        WAITLISTED = "waitlisted", _("waitlisted")
        # The workshop was cancelled: no seat anywhere in this round until the attendee chooses
        # again; kept so that their calendar shows the cancellation.
        WORKSHOP_CANCELLED = "workshop_cancelled", _("workshop cancelled")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="bookings")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="bookings")
    # Copied from the workshop so that the database itself allows one booking per round.
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "round"], name="booking_one_per_round")
        ]
        indexes = [models.Index(fields=["workshop", "status", "created_at"], name="booking_waitlist_order")]

    def __str__(self) -> str:
        return f"{self.registration_id} → {self.workshop_id} ({self.status})"

    def waitlist_position(self) -> int | None:
        """1 for the first in line; None for a seat."""
        if self.status != self.Status.WAITLISTED:
            return None
        ahead = Booking.objects.filter(workshop_id=self.workshop_id, status=self.Status.WAITLISTED).filter(
            Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk)
        )
        return ahead.count() + 1


class OutboundEmail(models.Model):
    """The outbox: a message is queued in the transaction that caused it and delivered after commit,
    with retries. It is rendered when it is sent (see events.mail), so it shows the current state."""

    kind = models.CharField(_("kind"), max_length=60)
    to = models.EmailField(_("to"))
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    # What the message needs beyond the database, e.g. the manage token (cleared once sent).
    context = models.JSONField(default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"
