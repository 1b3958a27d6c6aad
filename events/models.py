"""The day itself: edition, rooms, rounds, workshops, and the people registered for it."""

import hashlib
import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.validators import single_line


def max_length(model: type[models.Model], field: str) -> int:
    """A field's length limit as its model declares it: forms and API schemas take it from here."""
    return model._meta.get_field(field).max_length


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
    venue_address = models.CharField(
        _("venue address"), max_length=300, blank=True, help_text=_("Street, number, postcode and town.")
    )
    venue_route = models.TextField(
        _("route"),
        blank=True,
        help_text=_(
            "How to get there: public transport, parking, the entrance. Shown on the site and in mails."
        ),
    )
    # Where the venue is, for maps and the GEO of calendar items (WGS84 degrees).
    venue_latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=6, null=True, blank=True)
    venue_longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    doors_open_at = models.TimeField(_("doors open"), null=True, blank=True, help_text=_("Local time."))
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("Maximum number of attendees."))
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("Replies to the event's e-mails go here.")
    )
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.name

    @property
    def full_address(self) -> str:
        """Venue and address in one line, as a calendar's LOCATION or a route planner wants it."""
        return ", ".join(part for part in (self.venue, self.venue_address) if part)

    @property
    def has_geo(self) -> bool:
        return self.venue_latitude is not None and self.venue_longitude is not None

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
        """`booked`, `waitlisted` and `held` (seats held back for invitation codes, see WorkshopHold)."""
        return self.annotate(
            booked=Count("bookings", filter=Q(bookings__status=Booking.Status.BOOKED)),
            waitlisted=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
            held=held_seats(),
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
    # Raised in the transaction of every change its live events announce (seats, room, round), so
    # the figures read with it are its figures: a page keeps the highest it heard. Two server
    # processes build and send their events each in their own time; without it, the older figures
    # of the busier one could arrive last and stay on the screens.
    revision = models.PositiveBigIntegerField(default=0, editable=False)
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

    def save(self, *args, **kwargs):
        # The revision is only ever raised by a query (events.services.seats): saving a copy read
        # before a booking must not put its older revision back.
        if not self._state.adding and not kwargs.get("force_insert") and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()  # as Django's save: only what was loaded
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "revision" and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    @property
    def is_bookable(self) -> bool:
        return self.round.is_bookable and self.status == self.Status.SCHEDULED

    @property
    def seats_left(self) -> int:
        """The seats the public may book: not booked and not held back for an invitation code. Needs
        the annotations of `Workshop.objects.with_counts()`."""
        return max(self.capacity - self.booked - self.held, 0)


class Role(models.TextChoices):
    COUNCILLOR = "raadslid", _("Council member")
    COMMITTEE_MEMBER = "commissielid", _("Committee member")
    ALDERMAN = "wethouder", _("Alderman")
    MAYOR = "burgemeester", _("Mayor")
    CLERK = "griffier", _("Council clerk")
    MUNICIPAL_SECRETARY = "gemeentesecretaris", _("Municipal secretary")
    CIVIL_SERVANT = "ambtenaar", _("Civil servant")
    OTHER = "anders", _("Other")


class InvitationCode(models.Model):
    """A code organisers hand out (speakers, press, the mayor): N uses until a moment, each opening
    registration after it closes and/or past the event's capacity, and perhaps fixing the role."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="invitation_codes", verbose_name=_("event")
    )
    code = models.CharField(
        _("code"), max_length=32, unique=True, help_text=_("Letters and digits; case does not matter.")
    )
    uses_allowed = models.PositiveIntegerField(_("uses allowed"), default=1)
    uses = models.PositiveIntegerField(_("used"), default=0, editable=False)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    opens_closed_registration = models.BooleanField(_("registers after registration closed"), default=False)
    opens_past_capacity = models.BooleanField(_("registers past the event's capacity"), default=False)
    role = models.CharField(_("role fixed by the code"), max_length=24, choices=Role.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("invitation code")
        verbose_name_plural = _("invitation codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(uses__lte=models.F("uses_allowed")), name="invitation_code_uses_within_allowed"
            )
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)


class WorkshopHoldQuerySet(models.QuerySet):
    def open(self) -> "WorkshopHoldQuerySet":
        return self.filter(released_at__isnull=True)

    def with_left(self) -> "WorkshopHoldQuerySet":
        """`left`: the held seats the code's registrants have not booked yet."""
        used = (
            Booking.objects.filter(
                workshop_id=OuterRef("workshop_id"),
                status=Booking.Status.BOOKED,
                registration__invitation_code_id=OuterRef("code_id"),
            )
            .order_by()
            .values("workshop_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            left=Greatest(F("seats") - Coalesce(Subquery(used), 0), 0, output_field=IntegerField())
        )


class WorkshopHold(models.Model):
    """Seats of a workshop held back for an invitation code's registrants (speakers, press). Until
    released they are not free to the public; each seat a registrant with the code books uses one."""

    code = models.ForeignKey(
        InvitationCode, on_delete=models.CASCADE, related_name="holds", verbose_name=_("invitation code")
    )
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="holds", verbose_name=_("workshop")
    )
    seats = models.PositiveIntegerField(_("seats held"))
    release_at = models.DateTimeField(
        _("release at"),
        null=True,
        blank=True,
        help_text=_("From this moment the seats no one with the code booked go to the waiting list."),
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True, editable=False)

    objects = WorkshopHoldQuerySet.as_manager()

    class Meta:
        ordering = ["workshop", "code"]
        verbose_name = _("held seats")
        verbose_name_plural = _("held seats")
        constraints = [
            models.UniqueConstraint(fields=["code", "workshop"], name="workshop_hold_one_per_code"),
        ]
        indexes = [models.Index(fields=["release_at"], name="workshop_hold_release_at")]

    def __str__(self) -> str:
        return f"{self.code} → {self.workshop}"


def held_seats(except_code_id: int | None = None) -> Coalesce:
    """A workshop annotation: the seats held back for invitation codes and not used yet, leaving
    out `except_code_id`'s hold (its seats are free to that code's registrants)."""
    holds = WorkshopHold.objects.open().filter(workshop_id=OuterRef("pk"))
    if except_code_id is not None:
        holds = holds.exclude(code_id=except_code_id)
    total = holds.with_left().order_by().values("workshop_id").annotate(total=Sum("left")).values("total")
    return Coalesce(Subquery(total), 0, output_field=IntegerField())


class Delegation(models.Model):
    """People of one municipality registered in one go by a coordinator (a griffier, say), who may
    come along or not. Each member has a registration of their own; members without an e-mail
    address are managed by the coordinator, whose mails carry their badges."""

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("event")
    )
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("municipality")
    )
    first_name = models.CharField(_("first name"), max_length=100, validators=[single_line])
    last_name = models.CharField(_("last name"), max_length=100, validators=[single_line])
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    # The coordinator's own registration when they attend as well.
    coordinator_registration = models.OneToOneField(
        "Registration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_delegation",
    )
    manage_token = models.CharField(max_length=64, editable=False)
    manage_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The coordinator's address, proven as a registration's (events.services.addresses): it proves
    # the members without an address of their own.
    address_verified_at = models.DateTimeField(_("address proven at"), null=True, blank=True, editable=False)
    address_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    # A council has at most 45 members; with the mayor, aldermen, clerks and officials this is plenty.
    MAX_MEMBERS = 60

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")

    def __str__(self) -> str:
        return f"{self.reference} {self.municipality_id}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def address_verified(self) -> bool:
        return self.address_verified_at is not None


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event")
    )
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    first_name = models.CharField(_("first name"), max_length=100, validators=[single_line])
    last_name = models.CharField(_("last name"), max_length=100, validators=[single_line])
    # Empty for a delegation member without an address of their own (the coordinator's mails serve).
    email = models.EmailField(_("e-mail address"), blank=True)
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    invitation_code = models.ForeignKey(
        InvitationCode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("invitation code"),
    )
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("delegation"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("municipality"),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True, validators=[single_line])
    needs = models.TextField(_("accessibility or dietary needs"), max_length=1000, blank=True)
    # The interface language they registered in: their mails and calendar texts use it.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="nl")
    privacy_accepted_at = models.DateTimeField(editable=False)
    # Both secrets are kept (badges are drawn from one, every e-mail carries the other) but the
    # database is searched by their SHA-256 only, so lookups leak nothing through timing.
    badge_secret = models.CharField(max_length=64, editable=False)
    badge_hash = models.CharField(max_length=64, unique=True, editable=False)
    manage_token = models.CharField(max_length=64, editable=False)
    manage_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # Read-only links: the calendar feed (handed to Google or Outlook, shared with colleagues) and the
    # badge image (the API's badge_url) carry their own tokens, never the manage token, which can
    # change, cancel and erase. Kept and hashed like it; empty once erased.
    calendar_token = models.CharField(max_length=64, blank=True, editable=False)
    calendar_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    badge_token = models.CharField(max_length=64, blank=True, editable=False)
    badge_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Feeds and badge images handed out before they had their own tokens carry the manage token:
    # those keep working until the attendee makes new links (events.services.renew_read_only_links).
    manage_token_opens_feeds = models.BooleanField(default=False, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    # Bumped whenever the attendee's own calendar items change (a workshop added, dropped, the whole
    # registration cancelled). Their items carry SEQUENCE = workshop sequence + this, so each update a
    # calendar receives outranks the one before, also a cancellation followed by booking it again.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    # The address is proven once its owner opened the verification link of a mail sent to it (or an
    # organiser or a paired desk registered the person). Until then nothing found by address (a
    # municipality's signups, a delegation) is shown, exported or erased through this registration,
    # and its seats are held only for a while (settings.ADDRESS_PROOF_HOURS).
    address_verified_at = models.DateTimeField(_("address proven at"), null=True, blank=True, editable=False)
    address_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    seats_released_at = models.DateTimeField(
        _("seats released at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The address was not proven in time."),
    )
    # Set by events.services.erase_registration: the row is anonymous from then on (statistics only).
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # One registration per proven address; unproven ones may share it until one is proven.
            models.UniqueConstraint(
                Lower("email"),
                "event",
                condition=Q(status="confirmed", address_verified_at__isnull=False) & ~Q(email=""),
                name="registration_one_per_proven_email",
            ),
            models.UniqueConstraint(
                fields=["calendar_token_hash"],
                condition=~Q(calendar_token_hash=""),
                name="registration_unique_calendar_token",
            ),
            models.UniqueConstraint(
                fields=["badge_token_hash"],
                condition=~Q(badge_token_hash=""),
                name="registration_unique_badge_token",
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

    @property
    def address_verified(self) -> bool:
        return self.address_verified_at is not None

    @property
    def mail_address(self) -> str:
        """Where this attendee's mails go: their own address, or, for a delegation member without
        one, the delegation coordinator's."""
        if self.email or self.delegation_id is None:
            return self.email
        return self.delegation.email

    @property
    def managed_by_coordinator(self) -> bool:
        """A delegation member whose mails and private link go to the coordinator: one without an
        address of their own, or the coordinator's own registration."""
        if self.delegation_id is None:
            return False
        return not self.email or self.pk == self.delegation.coordinator_registration_id


class DelegationInvitation(models.Model):
    """A delegation asks someone who registered on their own to join it. Only their answer to the
    link mailed to their address lets the registration join: it keeps its badge, reference,
    workshops and private link. Until then the coordinator sees only the name and address they
    typed themselves, never what the person registered."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("delegation")
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="delegation_invitations",
        verbose_name=_("registration"),
    )
    # The invitation's own reference: the registration's is the person's to disclose, by joining.
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    # The name as the coordinator typed it (the page's row before the person answers).
    name = models.CharField(_("name"), max_length=201, validators=[single_line])
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    accepted = models.BooleanField(_("accepted"), null=True, editable=False)
    # Either side cancelled before an answer: the coordinator withdrew it, the person cancelled
    # their registration, or they joined another delegation.
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("delegation invitation")
        verbose_name_plural = _("delegation invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "registration"],
                condition=Q(answered_at__isnull=True, expired_at__isnull=True),
                name="delegation_invitation_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.delegation_id} → {self.registration_id}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None and self.expired_at is None

    @property
    def state(self) -> str:
        """invited, accepted, declined or expired: the member's status while it is not a member."""
        if self.expired_at is not None:
            return "expired"
        if self.answered_at is None:
            return "invited"
        return "accepted" if self.accepted else "declined"


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
    # A place in this workshop's waitlist while the attendee keeps their seat elsewhere in the round:
    # when a seat comes, the two swap in one transaction (events.services.seats.promote).
    swap = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One booking per round, plus at most one waitlist place to swap to.
            models.UniqueConstraint(
                fields=["registration", "round"], condition=Q(swap=False), name="booking_one_per_round"
            ),
            models.UniqueConstraint(
                fields=["registration", "round"], condition=Q(swap=True), name="booking_one_swap_per_round"
            ),
            models.CheckConstraint(
                condition=Q(swap=False) | Q(status="waitlisted"), name="booking_swap_waits"
            ),
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
    with retries. It is rendered when it is sent (see events.outbox), so it shows the current state."""

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


class AuditEntry(models.Model):
    """One change an organiser, a scanner device, an attendee or a command made to the day: who,
    when, through which door, to what, and the changed fields as {field: [before, after]}.

    Written by events.audit.log inside the change's own transaction, so a change that is rolled
    back leaves no entry. Personal values appear only in entries about the registration (or
    signup) they belong to, where the erasure finds and replaces them.
    """

    class Door(models.TextChoices):
        ADMIN = "admin", _("admin")
        API = "api", _("API")
        DASHBOARD = "dashboard", _("dashboard")
        SCANNER = "scanner", _("scanner")
        ATTENDEE = "attendee", _("attendee's own link")
        SITE = "site", _("public website")
        SHELL = "shell", _("command line")
        API_TOKEN = "api-token", _("API token")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="audit_entries", verbose_name=_("event")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    action = models.CharField(_("action"), max_length=64)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", verbose_name=_("kind")
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    door = models.CharField(_("through"), max_length=16, choices=Door.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # A scanner device (checkin.Device): the core does not know that model, so it keeps the id.
    device_id = models.PositiveBigIntegerField(_("scanner device"), null=True, blank=True)
    # The user's name or the device's name as it was then: shown also once either is gone.
    actor = models.CharField(_("by"), max_length=150, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        indexes = [
            models.Index(fields=["event", "-at", "-id"], name="audit_recent"),
            models.Index(fields=["event", "action"], name="audit_action"),
            models.Index(fields=["event", "door"], name="audit_door"),
            models.Index(fields=["event", "content_type"], name="audit_kind"),
            models.Index(fields=["content_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> "ApiTokenQuerySet":
        """Not revoked, not expired, of an organiser who may still log in (events.auth.is_organiser,
        as a query)."""
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True
        ).filter(Q(user__is_staff=True) | Q(user__is_superuser=True))


class ApiToken(models.Model):
    """An organiser's personal token for scripts: `Authorization: Bearer <token>` on the API, for
    the operations of its scopes. Shown once when it is made; stored hashed, like every secret."""

    class Scope(models.TextChoices):
        READ = "read", _("read")
        PROGRAMME = "programme", _("programme")
        REGISTRATIONS = "registrations", _("registrations")
        CHECK_IN = "check-in", _("check-in")
        MESSAGES = "messages", _("messages")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("organiser"),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What it is for, e.g. 'Room signs'."))
    scopes = models.JSONField(_("scopes"), default=list)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name


class WebhookEndpoint(models.Model):
    """An address an organiser's system receives the day's events at (events.webhooks). The secret
    signs every delivery, so it is kept as it is (a hash could not sign); it is shown once."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("event")
    )
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Deliveries that failed one after another since the last that arrived.
    failures_in_a_row = models.PositiveIntegerField(_("failures in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: stored in the change's transaction, sent after it commits,
    retried with backoff until it arrives (events.webhooks)."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("event"), max_length=64)
    body = models.TextField()
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["delivered_at", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id}"


# Live announcements, messages to a group, registration questions, polls and questions in the room, push
# subscriptions live in their own modules, and are models of this app.
from events.announcements.models import Announcement  # noqa: E402, F401
from events.messaging.models import (  # noqa: E402, F401
    GroupMessage,
    GroupMessageRecipient,
    MessageOptOut,
    ScheduledMail,
)
from events.questions.models import QuestionAnswer, QuestionOption, RegistrationQuestion  # noqa: E402, F401
from events.room.models import LiveRoom, Poll, Question, QuestionVote, Vote  # noqa: E402, F401
from events.webpush.models import PushSubscription  # noqa: E402, F401
