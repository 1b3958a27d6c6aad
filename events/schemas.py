"""Wire shapes of the core: the API's schemas and the live messages built from them."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict

from events.models import Booking, Registration, Role, Workshop


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, for people.")
    code: str = Field(description="Stable machine-readable code, e.g. `email_taken`.")
    errors: dict[str, list[str]] = Field(default_factory=dict, description="Messages per input field.")


# Database ids: a positive 32-bit integer. Bigger numbers cannot be an id and would overflow the database.
MAX_ID = 2**31 - 1
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
# The longest list of ids or codes an input takes: far more than a programme has rounds or themes.
MAX_ITEMS = 50


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """Declare error answers in the OpenAPI schema, e.g. `response={201: X, **error_responses(409, 422)}`."""
    return dict.fromkeys(codes, ErrorOut)


class EventOut(Schema):
    name: str
    slug: str
    date: date
    venue: str
    venue_address: str
    registration_open: bool
    capacity: int
    registered: int


class RoundOut(Schema):
    id: int
    label: str
    kind: str
    starts_at: datetime
    ends_at: datetime


class RoomOut(Schema):
    id: int
    name: str


class SpeakerOut(Schema):
    name: str
    role: str
    organisation: str


class WorkshopOut(Schema):
    id: int
    slug: str
    title: str
    description: str
    theme: str
    status: str
    round: RoundOut
    room: RoomOut
    capacity: int
    booked: int
    waitlisted: int
    sequence: int
    speakers: list[SpeakerOut]


class MunicipalityOut(Schema):
    code: str
    name: str
    province: str


RoleCode = Literal[tuple(Role.values)]  # type: ignore[valid-type]


class RegistrationIn(Schema):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    email: str = Field(max_length=254)
    role: RoleCode  # type: ignore[valid-type]
    municipality: str | None = Field(None, description="CBS code, e.g. GM0307.", max_length=6)
    organisation: str = Field("", max_length=200, description="Required when no municipality is given.")
    workshops: list[ObjectId] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Workshop ids, at most one per round."
    )
    needs: str = Field("", max_length=1000)
    directory_opt_in: bool = False
    interests: list[str] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Theme codes (action lines), shown in the attendee directory.",
    )
    talk_about: str = Field("", max_length=200, description="'I would like to talk about', one short line.")


class RegistrationChangeIn(Schema):
    workshops: list[ObjectId] = Field(
        max_length=MAX_ITEMS, description="The complete new choice: at most one workshop per round."
    )


class WorkshopChangeIn(Schema):
    room: ObjectId | None = Field(None, description="Room id.")
    round: ObjectId | None = Field(None, description="Round id.")
    capacity: int | None = Field(None, ge=0, le=100000)


class BookingOut(Schema):
    id: int = Field(description="The workshop's id.")
    slug: str
    title: str
    status: Literal["booked", "waitlisted", "workshop_cancelled"] = Field(
        description="`workshop_cancelled`: the organisers cancelled it; choose again in that round."
    )
    position: int | None = Field(None, description="Place in the waitlist, 1 = next in line.")


class RegistrationOut(Schema):
    reference: str
    status: Literal["confirmed", "cancelled"]
    manage_url: str
    badge_url: str
    ics_url: str
    workshops: list[BookingOut]


class RegistrationDetailOut(RegistrationOut):
    first_name: str
    last_name: str
    email: str
    role: str
    municipality: MunicipalityOut | None
    organisation: str
    needs: str
    directory_opt_in: bool
    interests: list[str]
    talk_about: str
    created_at: datetime


class PersonalDataOut(BaseModel):
    """Everything held about one attendee (events.selectors.personal_data). The apps built on the
    core add sections of their own: `checkins` and `scans` (check-in), `connect_code`, `contacts`
    and `municipality_signups` (networking). A plain pydantic model: ninja's Schema would drop them."""

    model_config = ConfigDict(extra="allow")

    generated_at: datetime
    event: dict[str, Any]
    registration: dict[str, Any] = Field(description="The registration as it is stored (no secrets).")
    consents: list[dict[str, Any]] = Field(
        description="Consent records: `purpose`, `given_at`, `withdrawn_at` (null while it holds)."
    )
    directory_profile: dict[str, Any]
    bookings: list[dict[str, Any]] = Field(description="Workshops: seat, waitlist place or cancelled.")
    emails: list[dict[str, Any]] = Field(
        description="E-mails to this person: kind, subject and times, not the text."
    )


def booking_out(booking: Booking) -> dict:
    return {
        "id": booking.workshop_id,
        "slug": booking.workshop.slug,
        "title": booking.workshop.title,
        "status": booking.status,
        "position": booking.waitlist_position(),
    }


def registration_out(registration: Registration, absolute) -> dict:
    """The answer to POST/GET registrations. `absolute` turns a path into a full URL."""
    bookings = registration.bookings.select_related("workshop", "round").order_by("round__starts_at")
    manage_token = registration.manage_token
    return {
        "reference": registration.reference,
        "status": registration.status,
        "manage_url": absolute(reverse("events:manage", args=[manage_token])),
        "badge_url": absolute(reverse("events:badge_svg", args=[manage_token])),
        "ics_url": absolute(reverse("events:personal_ics", args=[manage_token])),
        "workshops": [booking_out(booking) for booking in bookings],
    }


def registration_detail_out(registration: Registration, absolute) -> dict:
    return {
        **registration_out(registration, absolute),
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "email": registration.email,
        "role": registration.role,
        "municipality": registration.municipality,
        "organisation": registration.organisation,
        "needs": registration.needs,
        "directory_opt_in": registration.directory_opt_in,
        "interests": registration.interests,
        "talk_about": registration.talk_about,
        "created_at": registration.created_at,
    }


def workshop_messages(workshop_ids: list[int]) -> list[dict]:
    """`workshop` events for these workshops, in one query (plus one for their speakers)."""
    workshops = (
        Workshop.objects.filter(pk__in=workshop_ids)
        .select_related("round", "room")
        .prefetch_related("speakers")
        .with_counts()
        .order_by("pk")
    )
    return [
        {"type": "workshop", "workshop": WorkshopOut.from_orm(w).model_dump(mode="json")} for w in workshops
    ]


def registration_message(registration_id: int, action: str) -> dict | None:
    """None when the registration is gone by the time the commit hook runs."""
    registration = Registration.objects.select_related("municipality").filter(pk=registration_id).first()
    if registration is None:
        return None
    registered = Registration.objects.filter(
        event_id=registration.event_id, status=Registration.Status.CONFIRMED
    ).count()
    return registration_event(registration, action, registered)


def registration_event(registration: Registration, action: str, registered: int) -> dict:
    """The `registration` event for the dashboard: who, and the new number of registrations."""
    return {
        "type": "registration",
        "action": action,
        "registered": registered,
        "registration": {
            "reference": registration.reference,
            "name": registration.full_name,
            "role": registration.role,
            "role_label": str(registration.get_role_display()),
            "municipality": registration.affiliation,
            "province": registration.municipality.province if registration.municipality_id else "",
            "at": registration.updated_at.isoformat(),
        },
    }
