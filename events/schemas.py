"""Wire shapes of the core: the API's schemas and the live messages built from them."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.urls import reverse
from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, StrictBool, StrictStr
from pydantic_core import PydanticCustomError

from events.extras import read_extras
from events.links import badge_image_path, calendar_path
from events.models import (
    Booking,
    Delegation,
    DelegationInvitation,
    InvitationCode,
    Municipality,
    Registration,
    Role,
    WebhookEndpoint,
    Workshop,
    WorkshopHold,
    max_length,
)
from events.questions.services import answers_of
from events.selectors import bookings_of
from events.validators import SINGLE_LINE_PATTERN, single_line


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, for people.")
    code: str = Field(description="Stable machine-readable code, e.g. `email_taken`.")
    errors: dict[str, list[str]] = Field(default_factory=dict, description="Messages per input field.")


# Database ids: a positive 32-bit integer. Bigger numbers cannot be an id and would overflow the database.
MAX_ID = 2**31 - 1
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
# The longest list of ids or codes an input takes: far more than a programme has rounds or themes.
MAX_ITEMS = 50


def _single_line(value: str) -> str:
    try:
        single_line(value)
    except ValidationError as error:
        raise PydanticCustomError("control_character", str(error.messages[0])) from None
    return value


# A name or another single-line text (events.validators): no line breaks or other control characters.
SingleLine = Annotated[
    str, AfterValidator(_single_line), Field(json_schema_extra={"pattern": SINGLE_LINE_PATTERN})
]


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    """Declare error answers in the OpenAPI schema, e.g. `response={201: X, **error_responses(409, 422)}`."""
    return dict.fromkeys(codes, ErrorOut)


class AcceptedOut(Schema):
    detail: str


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
    free: int = Field(
        description="Seats anyone may book: the capacity less the booked seats and the seats held back "
        "for invitation codes."
    )
    waitlisted: int
    sequence: int
    revision: int = Field(
        description="Raised with every change of its seats, room or round: of two events about a "
        "workshop, the one with the higher revision is the newer."
    )
    speakers: list[SpeakerOut]

    @staticmethod
    def resolve_free(workshop: Workshop) -> int:
        return workshop.seats_left


class MunicipalityOut(Schema):
    code: str
    name: str
    province: str


RoleCode = Literal[tuple(Role.values)]  # type: ignore[valid-type]

# Answers to the organisers' questions (GET /api/v1/questions) by question id: text, a boolean for
# yes/no, an option id for one choice, a list of them for several; null for none. Strict: `1` is no
# text, "true" no boolean.
AnswerValue = StrictStr | Annotated[list[StrictStr], Field(max_length=MAX_ITEMS)] | StrictBool | None
Answers = Annotated[
    dict[Annotated[str, Field(max_length=12)], AnswerValue],
    Field(
        max_length=MAX_ITEMS,
        description='By question id: `{"3": "text", "4": "12", "5": ["12", "13"], "6": true}` (text, '
        "an option id, a list of option ids, yes/no). Checked for the role: a required question "
        "left out, or a value that does not fit, is a 422 on `answers.<id>`; answers to questions "
        "the role is not asked are ignored.",
    ),
]


class QuestionOptionOut(Schema):
    id: int
    label: str


class QuestionOut(Schema):
    id: int
    text: str
    help_text: str
    kind: Literal["text", "choice", "choices", "yes_no"]
    required: bool = Field(description="Required for the roles it is asked of.")
    roles: list[RoleCode] = Field(  # type: ignore[valid-type]
        description="The roles it is asked of; empty: everyone."
    )
    options: list[QuestionOptionOut] = Field(description="For `choice` and `choices`, in their order.")


class RegistrationIn(Schema):
    first_name: SingleLine = Field(max_length=max_length(Registration, "first_name"))
    last_name: SingleLine = Field(max_length=max_length(Registration, "last_name"))
    email: str = Field(max_length=max_length(Registration, "email"))
    role: RoleCode  # type: ignore[valid-type]
    municipality: str | None = Field(
        None, description="CBS code, e.g. GM0307.", max_length=max_length(Municipality, "code")
    )
    organisation: SingleLine = Field(
        "",
        max_length=max_length(Registration, "organisation"),
        description="Required when no municipality is given.",
    )
    workshops: list[ObjectId] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Workshop ids, at most one per round."
    )
    needs: str = Field("", max_length=max_length(Registration, "needs"))
    language: Literal["nl", "en"] | None = Field(
        None, description="Language of the attendee's mails and calendar (default: the site's, Dutch)."
    )
    code: str = Field(
        "",
        max_length=max_length(InvitationCode, "code"),
        description="An invitation code from the organisers: may open registration after it closed or "
        "past the capacity, and fix the role. Unknown, used up or expired: 422 on `code`.",
    )
    answers: Answers = Field(default_factory=dict)
    # The API takes the body with the fields the other apps add (events.extras.with_extra_schema).


class RegistrationChangeIn(Schema):
    """What the attendee changes: `workshops`, `answers` or both (at least one; nothing else is a
    422). Both together change in one go: when either is refused, neither changes."""

    workshops: list[ObjectId] | None = Field(
        None,
        max_length=MAX_ITEMS,
        description="The complete new choice: at most one workshop per round. Left out: unchanged.",
    )
    answers: Answers | None = Field(
        None,
        description="The complete new answers to the questions the attendee's role is asked (a "
        "question left out is cleared; a required one must be answered), checked as at registration: "
        "a 422 on `answers.<id>`. Left out: unchanged.",
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
    keeps_seat_in: int | None = Field(
        None,
        description="On a waitlist while keeping a seat in this workshop (id) of the same round: the "
        "two swap as soon as a seat comes free.",
    )


class RegistrationOut(Schema):
    reference: str
    status: Literal["confirmed", "cancelled"]
    address_verified: bool = Field(
        description="The owner of the e-mail address confirmed it through the link mailed to it. Until "
        "then seats are held for a limited time and nothing found by address is shown."
    )
    manage_url: str = Field(description="The private link: change, cancel, erase. Keep it to yourself.")
    badge_url: str = Field(description="The badge's QR code as SVG, behind a read-only token of its own.")
    ics_url: str = Field(
        description="The personal calendar feed to subscribe to, behind a read-only token of its own: "
        "it shows the programme and changes nothing."
    )
    workshops: list[BookingOut]


class ResendIn(Schema):
    email: str = Field(max_length=max_length(Registration, "email"))


class RegistrationDetailOut(RegistrationOut):
    first_name: str
    last_name: str
    email: str
    role: str
    municipality: MunicipalityOut | None
    organisation: str
    needs: str
    created_at: datetime
    answers: dict[str, str | list[str] | bool | None] = Field(
        description="The answers to the organisers' questions, by question id (as they are given)."
    )
    # The API answers with the fields the other apps add (events.extras.with_extra_schema).


class PersonalDataOut(BaseModel):
    """Everything held about one attendee (events.selectors.personal_data). The apps built on the
    core add sections of their own: `checkins` and `scans` (check-in), `directory_profile`,
    `connect_code`, `contacts` and `municipality_signups` (networking). A plain pydantic model:
    ninja's Schema would drop them."""

    model_config = ConfigDict(extra="allow")

    generated_at: datetime
    event: dict[str, Any]
    registration: dict[str, Any] = Field(description="The registration as it is stored (no secrets).")
    consents: list[dict[str, Any]] = Field(
        description="Consent records: `purpose`, `given_at`, `withdrawn_at` (null while it holds)."
    )
    bookings: list[dict[str, Any]] = Field(description="Workshops: seat, waitlist place or cancelled.")
    emails: list[dict[str, Any]] = Field(
        description="E-mails to this person: kind, subject and times, not the text."
    )


def booking_out(booking: Booking) -> dict:
    """Needs `position` and `keeps` of events.selectors.bookings_of."""
    return {
        "id": booking.workshop_id,
        "slug": booking.workshop.slug,
        "title": booking.workshop.title,
        "status": booking.status,
        "position": booking.position,
        "keeps_seat_in": booking.keeps.workshop_id if booking.keeps else None,
    }


def registration_out(registration: Registration, absolute) -> dict:
    """The answer to POST/GET registrations. `absolute` turns a path into a full URL."""
    bookings = bookings_of(registration)
    return {
        "reference": registration.reference,
        "status": registration.status,
        "address_verified": registration.address_verified,
        "manage_url": absolute(reverse("events:manage", args=[registration.manage_token])),
        "badge_url": absolute(badge_image_path(registration)),
        "ics_url": absolute(calendar_path(registration)),
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
        "created_at": registration.created_at,
        "answers": {str(answer.question_id): answer.value() for answer in answers_of(registration)},
        **read_extras(registration),
    }


class WebhookIn(Schema):
    url: str = Field(
        ...,
        max_length=max_length(WebhookEndpoint, "url"),
        description="Where to POST: https (http only with WEBHOOKS_ALLOW_HTTP=1).",
    )
    events: list[str] = Field(
        ...,
        max_length=20,
        description="Event types: check_in.created, check_in.undone, registration.cancelled, "
        "registration.changed, registration.created, signup.created, workshop.changed.",
    )


class WebhookCreatedOut(Schema):
    id: int
    secret: str = Field(..., description="Signs every delivery (X-DLD-Signature); shown only in this answer.")


class CoordinatorIn(Schema):
    first_name: SingleLine = Field(max_length=max_length(Registration, "first_name"))
    last_name: SingleLine = Field(max_length=max_length(Registration, "last_name"))
    email: str = Field(max_length=max_length(Registration, "email"))
    role: RoleCode  # type: ignore[valid-type]
    answers: Answers | None = Field(
        None,
        description="Only for a coordinator who attends (`attending: true`): their answers to the "
        "questions their role is asked, checked as a registration's, errors on "
        "`coordinator.answers.<id>`; left out, none are answered (a required question is a 422). "
        "Not attending, answers are a 422 on `coordinator.answers`. A coordinator whose address is "
        "registered on its own already is asked by mail to join and keeps that registration's "
        "answers: theirs here are neither checked nor stored.",
    )


class DelegationMemberIn(Schema):
    first_name: SingleLine = Field(max_length=max_length(Registration, "first_name"))
    last_name: SingleLine = Field(max_length=max_length(Registration, "last_name"))
    email: str = Field(
        "",
        max_length=max_length(Registration, "email"),
        description="Their own address: they get their own confirmation and link. Without one the "
        "coordinator manages them and receives their badge.",
    )
    role: RoleCode  # type: ignore[valid-type]
    workshops: list[ObjectId] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Workshop ids, at most one per round."
    )
    answers: Answers = Field(
        default_factory=dict,
        description="As a registration's: every required question the member's role is asked must be "
        "answered (left out: none answered), errors on `members.<n>.answers.<id>`.",
    )


class DelegationIn(Schema):
    coordinator: CoordinatorIn
    municipality: str = Field(
        description="CBS code, e.g. GM0307.", max_length=max_length(Municipality, "code")
    )
    attending: bool = Field(description="The coordinator attends as well (and takes a place).")
    members: list[DelegationMemberIn] = Field(
        max_length=Delegation.MAX_MEMBERS, description="The people the coordinator registers."
    )


class DelegationMemberOut(Schema):
    reference: str = Field(
        description="The member's registration; for someone asked to join (`invited`, `declined`, "
        "`expired`) the invitation's own reference: their registration is theirs to disclose, by joining."
    )
    status: Literal["confirmed", "cancelled", "invited", "declined", "expired"] = Field(
        description="`invited`: the address was registered already; the person is asked by mail "
        "whether they join (keeping their registration). `declined`: they said no. `expired`: the "
        "invitation was withdrawn or their registration cancelled before they answered."
    )
    manage_url: str | None = Field(
        None,
        description="Only for people the coordinator manages (themselves, members without an address); "
        "a member with an address gets their private link by mail only.",
    )


class DelegationOut(Schema):
    reference: str
    manage_url: str = Field(description="The coordinator's private link to the delegation.")
    members: list[DelegationMemberOut]


def delegation_out(delegation, members, absolute) -> dict:
    """`members`: the delegation's registrations, coordinator's own first, and the invitations
    (events.DelegationInvitation) of those asked to join, of whom nothing of their registration."""

    def member_out(member) -> dict:
        if isinstance(member, DelegationInvitation):
            return {"reference": member.reference, "status": member.state, "manage_url": None}
        return {
            "reference": member.reference,
            "status": member.status,
            "manage_url": absolute(reverse("events:manage", args=[member.manage_token]))
            if member.managed_by_coordinator
            else None,
        }

    return {
        "reference": delegation.reference,
        "manage_url": absolute(reverse("events:delegation", args=[delegation.manage_token])),
        "members": [member_out(member) for member in members],
    }


class HoldIn(Schema):
    workshop: ObjectId = Field(description="Workshop id.")
    seats: int = Field(description="Seats held back for the code's registrants: 1 up to the capacity.")
    release_at: datetime | None = Field(
        None, description="From this moment the seats no one with the code booked go to the waiting list."
    )


class InvitationCodeIn(Schema):
    code: str = Field(min_length=3, max_length=max_length(InvitationCode, "code"), pattern=r"^[A-Za-z0-9-]+$")
    uses_allowed: int = Field(1, ge=1, le=10000)
    valid_until: datetime | None = None
    opens_closed_registration: bool = False
    opens_past_capacity: bool = False
    role: RoleCode | Literal[""] = ""  # type: ignore[valid-type]
    holds: list[HoldIn] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Seats held back in workshops: a registration with the code may take one (once per "
        "use) while the public sees the workshop full. A workshop of another event, twice, or seats "
        "outside 1 up to its capacity: 422 on `holds`.",
    )


class HoldOut(Schema):
    workshop: int = Field(description="Workshop id.")
    seats: int
    release_at: datetime | None
    released_at: datetime | None

    @staticmethod
    def resolve_workshop(hold: WorkshopHold) -> int:
        return hold.workshop_id


class HeldSeatsOut(Schema):
    id: int
    code_id: int
    workshop_id: int
    workshop: str
    round: str
    seats: int
    booked: int = Field(description="Held seats that registrants with the code booked.")
    held: int = Field(description="Held seats still free to the code's registrants only.")
    release_at: datetime | None


class InvitationCodeOut(Schema):
    id: int
    code: str
    uses_allowed: int
    uses: int
    valid_until: datetime | None
    opens_closed_registration: bool
    opens_past_capacity: bool
    role: str
    holds: list[HoldOut]

    @staticmethod
    def resolve_holds(code: InvitationCode) -> list:
        return list(code.holds.order_by("workshop_id"))
