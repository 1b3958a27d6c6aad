"""Democratie in Actie's offers to municipalities and who signed up for them; attendees' directory
profiles and contacts."""

import uuid

from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from events.models import Event, Municipality, Registration
from events.times import clock

# The offer that is the network itself: its members are shown on the wall at the stand.
NETWORK_SLUG = "netwerk-digitale-democratie"
# The offers whose municipalities may book an intake with one of the programme's advisers: the
# Quick Scan and the development track (networking.meetings, Intake).
INTAKE_OFFER_SLUGS = ("quick-scan", "ontwikkeltraject")


class OfferQuerySet(models.QuerySet):
    def with_counts(self) -> "OfferQuerySet":
        return self.annotate(
            taken=Count("signups", filter=Q(signups__status=Signup.Status.ACCEPTED)),
            waitlisted=Count("signups", filter=Q(signups__status=Signup.Status.WAITLISTED)),
        )


class Offer(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="offers", verbose_name=_("event"))
    slug = models.SlugField(_("slug"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # None: unlimited (the network itself).
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [models.UniqueConstraint(fields=["event", "slug"], name="offer_unique_slug")]

    def __str__(self) -> str:
        return self.title


class Signup(models.Model):
    """A municipality's place for an offer: accepted, or waitlisted in order of arrival.

    One per municipality and offer; every person who signs the municipality up for it is a
    SignupContact. `reference` is the municipality's file number for the event, shared by all
    its signups."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        WAITLISTED = "waitlisted", _("waitlisted")

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="signups", verbose_name=_("offer")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="signups", verbose_name=_("municipality")
    )
    reference = models.CharField(_("reference"), max_length=12)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    # The place is final: an admitted contact proved their address, it was signed up by someone
    # there in person (an organiser, a paired kiosk or desk), or an organiser approved it. Until
    # then it is held for SIGNUP_PROOF_HOURS (see networking.services.signups).
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True, editable=False)
    # An organiser looked at it in the review list (approved); None: new.
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("signup")
        verbose_name_plural = _("signups")
        constraints = [
            models.UniqueConstraint(fields=["offer", "municipality"], name="signup_one_per_municipality")
        ]
        indexes = [models.Index(fields=["offer", "status", "id"], name="signup_waitlist_order")]

    def __str__(self) -> str:
        return f"{self.municipality} → {self.offer}"

    def waitlist_position(self) -> int | None:
        """1 for the first in line; None for an accepted place. Arrival order is id order: ids are
        drawn while the offer is locked (see networking.services.sign_up)."""
        if self.status != self.Status.WAITLISTED:
            return None
        return Signup.objects.filter(
            offer_id=self.offer_id, status=self.Status.WAITLISTED, pk__lte=self.pk
        ).count()


class SignupContact(models.Model):
    """A person who signed their municipality up for an offer; the first one took the place.

    One row per signup: a person who signs up for several offers has a row on each, sharing their
    tokens and proof. A further person for an already signed-up municipality is not admitted
    (`admitted_at` None) until they proved their address and an admitted contact or an organiser
    accepted them; until then they see nothing of the municipality's signups."""

    signup = models.ForeignKey(
        Signup, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("signup")
    )
    name = models.CharField(_("contact name"), max_length=200)
    email = models.EmailField(_("contact e-mail"))
    role = models.CharField(_("contact role"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    # The consent record of the signup page's checkbox (None: signed up through the API without it).
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    admitted_at = models.DateTimeField(_("accepted as contact at"), null=True, blank=True, editable=False)
    address_verified_at = models.DateTimeField(_("address proven at"), null=True, blank=True, editable=False)
    # One-time proof link mailed to the address; only the hashes are kept.
    address_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The private link to the municipality's signups, as this person sees them.
    manage_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("signup contact")
        verbose_name_plural = _("signup contacts")
        constraints = [models.UniqueConstraint("signup", Lower("email"), name="signup_contact_unique_email")]

    def __str__(self) -> str:
        return self.name

    @property
    def admitted(self) -> bool:
        return self.admitted_at is not None

    @property
    def address_verified(self) -> bool:
        return self.address_verified_at is not None

    @property
    def trail_key(self) -> str:
        """Its key in the signup's audit trail entries, where the erasure finds its values."""
        return f"contacts.{self.pk}"

    @property
    def trail_value(self) -> str:
        role = f" ({self.role})" if self.role else ""
        return f"{self.name}{role} <{self.email}>"


class DirectoryProfile(models.Model):
    """What an attendee shows in the attendee directory, and the record of their consent to it.

    Interests and "talk about" only serve the directory: they are kept while the attendee is
    listed. Both consent times are kept: when they last joined, and when they last left (then
    later than the joining)."""

    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="directory_profile",
        verbose_name=_("registration"),
    )
    listed = models.BooleanField(_("listed in the attendee directory"), default=False)
    interests = models.JSONField(
        _("interests"), default=list, blank=True, help_text=_("Themes (action lines).")
    )
    talk_about = models.CharField(_("I would like to talk about"), max_length=200, blank=True)
    # Set by the organisers: one of the programme's advisers, whose meeting slots are intake slots
    # for the municipalities with a Quick Scan or development track (Intake).
    adviser = models.BooleanField(
        _("adviser of the programme"),
        default=False,
        help_text=_("Municipalities with a Quick Scan or development track can book an intake with them."),
    )
    joined_at = models.DateTimeField(_("joined the directory at"), null=True, blank=True, editable=False)
    left_at = models.DateTimeField(_("left the directory at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("directory profile")
        verbose_name_plural = _("directory profiles")

    def __str__(self) -> str:
        return str(self.registration)


class ConnectCode(models.Model):
    """An attendee's personal connect QR: a secret of its own, never the badge's check-in secret.
    Kept in the clear to draw the QR again; looked up by its hash."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="connect_code", verbose_name=_("registration")
    )
    secret = models.CharField(max_length=64, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("connect code")
        verbose_name_plural = _("connect codes")

    def __str__(self) -> str:
        return str(self.registration)


class ContactQuerySet(models.QuerySet):
    def involving(self, registration: Registration) -> "ContactQuerySet":
        return self.filter(Q(requester=registration) | Q(recipient=registration))


class Contact(models.Model):
    """A request between two attendees to exchange details; the details are shared once accepted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACCEPTED = "accepted", _("accepted")

    requester = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="contacts_requested", verbose_name=_("requester")
    )
    recipient = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="contacts_received", verbose_name=_("recipient")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["requester", "recipient"], name="contact_one_per_pair"),
            models.CheckConstraint(condition=~Q(requester=F("recipient")), name="contact_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.requester_id} → {self.recipient_id} ({self.status})"

    def other(self, registration: Registration) -> Registration:
        return self.recipient if self.requester_id == registration.pk else self.requester


# 1:1 meetings at numbered tables in the networking area (networking.meetings).


class MeetingSlot(models.Model):
    """A time in the breaks in which attendees can meet one another at a table."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="meeting_slots", verbose_name=_("event")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting slot")
        verbose_name_plural = _("meeting slots")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_slot_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["event", "starts_at", "ends_at"], name="meeting_slot_unique_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{clock(self.starts_at)}–{clock(self.ends_at)}"


class MeetingTable(models.Model):
    """A numbered table in the networking area; the tables are each slot's capacity."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="meeting_tables", verbose_name=_("event")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    area = models.CharField(_("area"), max_length=100, blank=True, help_text=_("E.g. “Netwerkplein”."))

    class Meta:
        ordering = ["number"]
        verbose_name = _("meeting table")
        verbose_name_plural = _("meeting tables")
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="meeting_table_unique_number")
        ]

    def __str__(self) -> str:
        return f"{_('Table')} {self.number}" + (f" ({self.area})" if self.area else "")


class MeetingQuerySet(models.QuerySet):
    def involving(self, registration: Registration) -> "MeetingQuerySet":
        return self.filter(Q(requester=registration) | Q(invitee=registration))


class Meeting(models.Model):
    """A request by one attendee to meet another in a slot; accepted, it has a table.

    "Propose another slot" closes the request as PROPOSED and opens a new one the other way round
    (`proposed_instead_of` points back), so every request is answered by the person it is for."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        CANCELLED = "cancelled", _("cancelled")
        PROPOSED = "proposed", _("other time proposed")

    slot = models.ForeignKey(
        MeetingSlot, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("meeting slot")
    )
    requester = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="meetings_requested", verbose_name=_("requester")
    )
    invitee = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="meetings_invited", verbose_name=_("invitee")
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REQUESTED)
    # Kept once cancelled: which table it had (the unique index only counts accepted meetings).
    table = models.ForeignKey(
        MeetingTable,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("table"),
    )
    message = models.CharField(_("message"), max_length=300, blank=True)
    cancel_message = models.CharField(_("cancellation message"), max_length=300, blank=True)
    proposed_instead_of = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal", editable=False
    )
    # The calendar entry's UID and SEQUENCE (events.ical): raised when the meeting is cancelled.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["slot__starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(condition=~Q(requester=F("invitee")), name="meeting_not_self"),
            models.CheckConstraint(
                condition=~Q(state="accepted") | Q(table__isnull=False), name="meeting_accepted_has_table"
            ),
            # The tables are the slot's capacity: each one used once among its accepted meetings.
            models.UniqueConstraint(
                fields=["slot", "table"], condition=Q(state="accepted"), name="meeting_one_per_table"
            ),
            # One accepted meeting per person and slot on either side; across sides the service
            # holds it (both people's rows locked, networking.meetings.services).
            models.UniqueConstraint(
                fields=["slot", "requester"],
                condition=Q(state="accepted"),
                name="meeting_requester_once_per_slot",
            ),
            models.UniqueConstraint(
                fields=["slot", "invitee"],
                condition=Q(state="accepted"),
                name="meeting_invitee_once_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester_id} → {self.invitee_id} ({self.state})"

    def other(self, registration: Registration) -> Registration:
        return self.invitee if self.requester_id == registration.pk else self.requester


class IntakeQuerySet(models.QuerySet):
    def involving(self, registration: Registration) -> "IntakeQuerySet":
        return self.filter(Q(adviser=registration) | Q(booked_by=registration))


class Intake(models.Model):
    """A municipality's intake with one of the programme's advisers, in one of the meeting slots.

    Booked by one of the municipality's signup contacts (on the signup's private page) or by an
    attendee of the municipality (on their meetings page); the municipality must hold a place for
    a Quick Scan or development track (INTAKE_OFFER_SLUGS). An adviser sees one municipality per
    slot: the adviser's registration row is locked while booking (as for meetings), and the
    database holds it with the unique index."""

    class State(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")

    slot = models.ForeignKey(
        MeetingSlot, on_delete=models.CASCADE, related_name="intakes", verbose_name=_("meeting slot")
    )
    adviser = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="intakes_given", verbose_name=_("adviser")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="intakes", verbose_name=_("municipality")
    )
    # Who booked it: an attendee of the municipality, or one of its signup contacts.
    booked_by = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intakes_booked",
        verbose_name=_("booked by attendee"),
    )
    booked_by_contact = models.ForeignKey(
        SignupContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intakes_booked",
        verbose_name=_("booked by signup contact"),
    )
    booker_name = models.CharField(_("booked by"), max_length=200)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.BOOKED)
    # The calendar entry's UID and SEQUENCE (events.ical), as for meetings.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)

    objects = IntakeQuerySet.as_manager()

    class Meta:
        ordering = ["slot__starts_at", "id"]
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        constraints = [
            models.CheckConstraint(condition=~Q(adviser=F("booked_by")), name="intake_not_with_oneself"),
            # One municipality per adviser and slot.
            models.UniqueConstraint(
                fields=["slot", "adviser"], condition=Q(state="booked"), name="intake_one_per_adviser_slot"
            ),
            # One intake per municipality and adviser at a time (to move it: cancel, book again).
            models.UniqueConstraint(
                fields=["adviser", "municipality"],
                condition=Q(state="booked"),
                name="intake_once_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} ↔ {self.adviser} ({self.state})"
