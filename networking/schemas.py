"""Wire shapes of the networking app."""

from typing import Literal

from ninja import Field, Schema

from events.models import Province, Theme
from events.schemas import MAX_ITEMS, MunicipalityOut

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
        max_length=100, description="CBS code, e.g. GM0307 (an unambiguous name works too)."
    )
    contact_name: str = Field(max_length=200)
    contact_email: str = Field(max_length=254)
    contact_role: str = Field("", max_length=100, description="Optional, e.g. griffier.")
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
    reference: str = Field(description="The municipality's reference, the same for all its signups.")
    municipality: MunicipalityOut
    offers: list[SignupOfferOut]


class DirectoryEntryOut(Schema):
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
