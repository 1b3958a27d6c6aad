"""Wire shapes of the networking app."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from events.models import Province, Theme, max_length
from events.schemas import MAX_ITEMS, ErrorOut, MunicipalityOut, ObjectId
from networking.forms import LOOKUP_MAX_LENGTH
from networking.models import DirectoryProfile, Meeting, SignupContact

ProvinceName = Literal[tuple(Province.values)]  # type: ignore[valid-type]
ThemeCode = Literal[tuple(Theme.values)]  # type: ignore[valid-type]


class OfferOut(Schema):
    slug: str
    title: str
    description: str
    places: int | None = Field(description="None: unlimited.")
    taken: int
    waitlisted: int
    places_left: int | None


class SignupIn(Schema):
    municipality: str = Field(
        max_length=LOOKUP_MAX_LENGTH, description="CBS code, e.g. GM0307 (an unambiguous name works too)."
    )
    contact_name: str = Field(max_length=max_length(SignupContact, "name"))
    contact_email: str = Field(max_length=max_length(SignupContact, "email"))
    contact_role: str = Field(
        "", max_length=max_length(SignupContact, "role"), description="Optional, e.g. griffier."
    )
    offers: list[str] = Field(max_length=MAX_ITEMS, description="Offer slugs, at least one (see GET offers).")
    consent: bool = Field(
        False,
        description="The contact agreed to the privacy statement for this signup (the signup page "
        "requires it). Recorded with its time on the contact.",
    )


class SignupOfferOut(Schema):
    slug: str
    title: str
    status: Literal["accepted", "waitlisted"]
    position: int | None = Field(description="Place in the waitlist, 1 = next in line; None when accepted.")
    new: bool = Field(
        description="False when the municipality already held this signup: its status is unchanged and "
        "this contact was added to it."
    )


class SignupOut(Schema):
    reference: str | None = Field(
        description="The municipality's reference, the same for all its signups. None (202) when the "
        "municipality had already been signed up: a further contact learns nothing until they proved "
        "their address and were accepted."
    )
    municipality: MunicipalityOut
    offers: list[SignupOfferOut] = Field(description="Empty (202) when the municipality had been signed up.")
    manage_url: str | None = Field(
        description="The private link to the municipality's signups (also mailed); None (202) when it "
        "had been signed up: the link is then only mailed."
    )
    address_verified: bool = Field(
        description="The contact's address is proven. A signup never proves it by itself (knowing an "
        "address proves nothing, also not the address of a proven registration): the places are held "
        "until the contact opens the link mailed to them (SIGNUP_PROOF_HOURS), unless signed up in person."
    )
    confirmed: bool = Field(
        description="Every place is final: signed up in person, or the address is proven."
    )


class DirectoryEntryOut(Schema):
    id: int = Field(description="To ask the person for a meeting (`invitee` of POST …/meetings).")
    name: str
    role: str
    role_label: str
    municipality: str = Field(description="Municipality, or the organisation of attendees from elsewhere.")
    province: str
    interests: list[str] = Field(description="Theme codes.")
    interest_labels: list[str]
    talk_about: str
    reasons: list[str] = Field(description="Why this person is suggested (suggestions only).")


class DirectoryOut(Schema):
    attendees: list[DirectoryEntryOut]
    suggestions: list[DirectoryEntryOut]


# The directory profile on a registration (networking.extras): in `POST registrations`, and in the
# answers about a registration.


class DirectoryProfileIn(Schema):
    directory_opt_in: bool = False
    interests: list[str] = Field(
        default_factory=list,
        max_length=MAX_ITEMS,
        description="Theme codes (action lines), shown in the attendee directory.",
    )
    talk_about: str = Field(
        "",
        max_length=max_length(DirectoryProfile, "talk_about"),
        description="'I would like to talk about', one short line.",
    )


class DirectoryProfileOut(Schema):
    directory_opt_in: bool
    interests: list[str]
    talk_about: str


# The offers on the organisers' dashboard (networking.dashboard): `offers` in `GET stats`.


class LastSignupOut(Schema):
    municipality: str
    province: str
    status: str
    created_at: datetime


class OfferStatsOut(Schema):
    slug: str
    title: str
    places: int | None
    taken: int
    waitlisted: int
    places_left: int | None
    last_signup: LastSignupOut | None = None


class MapEntryOut(Schema):
    """A municipality on the map of the network: people checked in, signups per offer."""

    code: str = Field(description="CBS code, e.g. GM0307.")
    name: str
    state: Literal["present", "signed-up", "both"] = Field(
        description="The colour: people present (checked in at the entrance), signed up for an offer, or both."
    )
    present: int
    offers: dict[str, str] = Field(description="Offer slug → the signup's status, as the page words it.")
    summary: str = Field(description="Name and figures in one sentence (the map's tooltip).")


class MeetingSlotStatsOut(Schema):
    starts_at: datetime
    ends_at: datetime
    accepted: int = Field(description="Meetings agreed in this slot (held, or to be held).")
    requested: int = Field(description="Requests not answered yet.")
    tables_left: int


class MeetingTableStatsOut(Schema):
    number: int
    area: str
    accepted: int


class IntakeStatsOut(Schema):
    starts_at: datetime
    ends_at: datetime
    municipality: str


class AdviserStatsOut(Schema):
    adviser: str = Field(description="The adviser's name.")
    booked: int = Field(description="Intakes booked with this adviser.")
    intakes: list[IntakeStatsOut] = Field(description="The booked intakes, in time order.")


class MeetingStatsOut(Schema):
    """1:1 meetings at the numbered tables: how many were agreed, per slot and per table; and the
    advisers' intakes with municipalities, per adviser."""

    intakes: list[AdviserStatsOut]
    accepted: int
    cancelled: int
    tables: int
    slots: list[MeetingSlotStatsOut]
    per_table: list[MeetingTableStatsOut]


# 1:1 meetings, as one of their two people sees them (networking.meetings).


class MeetingSlotOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime


class MeetingPersonOut(Schema):
    id: int = Field(description="The person's id in the attendee directory (`id` of its entries).")
    name: str
    role_label: str
    municipality: str


class MeetingOut(Schema):
    id: int
    state: Literal[tuple(Meeting.State.values)]  # type: ignore[valid-type]
    slot: MeetingSlotOut
    requester: MeetingPersonOut
    invitee: MeetingPersonOut
    table: int | None = Field(description="The table's number once accepted.")
    area: str = Field(description="Where the table is, e.g. Netwerkplein.")
    message: str
    cancel_message: str


class MeetingsOut(Schema):
    incoming: list[MeetingOut] = Field(description="Requests for this attendee to answer.")
    outgoing: list[MeetingOut] = Field(description="Requests this attendee sent, not answered yet.")
    accepted: list[MeetingOut]
    free_slots: list[MeetingSlotOut] = Field(
        description="With `with_person`: the slots still to come in which both are free and a table is left."
    )


class MeetingIn(Schema):
    invitee: ObjectId = Field(description="The `id` of the person's directory entry.")
    slot: ObjectId
    message: str = Field("", max_length=max_length(Meeting, "message"))


class MeetingProposalIn(Schema):
    slot: ObjectId = Field(description="Another slot, instead of the one asked for.")
    message: str = Field("", max_length=max_length(Meeting, "message"))


class MeetingCancelIn(Schema):
    message: str = Field("", max_length=max_length(Meeting, "cancel_message"))


class NoTableOut(ErrorOut):
    alternatives: list[MeetingSlotOut] = Field(
        default_factory=list, description="For `no_table`: the other slots free for both with a table left."
    )
