"""Public API of the networking app: offers to municipalities, signups, the attendee directory."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from events.auth import Scope, organiser
from events.errors import InvalidInput
from events.links import absolute_url
from events.presence import in_person
from events.schemas import RoleCode, error_responses
from events.selectors import current_event, registration_for_token
from networking import selectors, services
from networking.errors import DirectoryError
from networking.forms import SignupForm
from networking.schemas import DirectoryOut, OfferOut, ProvinceName, SignupIn, SignupOut, ThemeCode

router = Router(tags=["networking"])


@router.get(
    "offers", response={200: list[OfferOut], **error_responses(404)}, summary="Offers and places taken"
)
def list_offers(request: HttpRequest):
    return selectors.offers(current_event())


@router.post(
    "signups",
    response={201: SignupOut, 202: SignupOut, **error_responses(400, 404, 422)},
    summary="Sign a municipality up for offers",
)
def create_signup(request: HttpRequest, payload: SignupIn):
    """First come, first served per offer; once an offer is full the municipality joins its
    waitlist (`position`). A place is final once the contact proves their address with the link
    mailed to them (or at once when an organiser or a paired kiosk signs up); until then it is held
    for a few hours. 201 for a municipality that had no signup yet, with its reference, the offers
    and `manage_url`. 202 when it had been signed up: this person becomes a further contact only
    after proving their address and being accepted, and the answer tells nothing more."""
    event = current_event()
    form = SignupForm(data=payload.dict(), event=event)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    result = services.sign_up(
        event=event, **form.cleaned_data, in_person=in_person(request, event_id=event.pk)
    )
    body = {
        "reference": result.reference,
        "municipality": result.municipality,
        "manage_url": absolute_url(reverse("networking:manage", args=[result.manage_token]), request)
        if result.manage_token
        else None,
        "address_verified": result.address_verified,
        "confirmed": result.confirmed,
        "offers": [
            {
                "slug": outcome.signup.offer.slug,
                "title": outcome.signup.offer.title,
                "status": outcome.signup.status,
                "position": outcome.position,
                "new": outcome.new,
            }
            for outcome in result.outcomes
        ],
    }
    return Status(201 if result.visible else 202, body)


@router.delete(
    "signups/{token}/offers/{slug}",
    response={204: None, **error_responses(403, 404, 422)},
    summary="Withdraw the municipality from an offer",
)
def withdraw_signup(request: HttpRequest, token: str, slug: str):
    """`token` is the private link's (`manage_url`). The place goes at once, in the same
    transaction, to the first municipality on the offer's waitlist, which is mailed. 404
    `unknown_signup` for an unknown link, 404 `not_signed_up` when the municipality does not
    hold the offer (or withdrew already), 403 `not_admitted` for a further contact not yet accepted."""
    contact = services.contact_for_manage_token(token)
    services.withdraw(contact=contact, signup=services.signup_of_contact(contact, slug))
    return Status(204, None)


def _directory_out(entries, suggestions=()) -> dict:
    return {
        "attendees": [entry.as_dict() for entry in entries],
        "suggestions": [entry.as_dict() for entry in suggestions],
    }


@router.get(
    "registrations/{manage_token}/directory",
    response={200: DirectoryOut, **error_responses(403, 404, 422)},
    summary="The attendee directory, as one attendee sees it",
)
def attendee_directory(
    request: HttpRequest,
    manage_token: str,
    role: RoleCode | None = None,  # type: ignore[valid-type]
    province: ProvinceName | None = None,  # type: ignore[valid-type]
    interest: ThemeCode | None = None,  # type: ignore[valid-type]
    name: str = Query("", max_length=100, description="Part of the name, whatever the case."),
):
    """Attendees who opted in (never an e-mail address), and suggestions of people to meet. Only
    for attendees who are listed themselves (403 `not_in_directory` otherwise)."""
    viewer = registration_for_token(manage_token)
    if not selectors.may_see_directory(viewer):
        raise DirectoryError(
            "not_in_directory", _("Join the attendee directory yourself to see who else is in it.")
        )
    entries = selectors.directory(
        viewer.event,
        viewer=viewer,
        role=role or "",
        province=province or "",
        interest=interest or "",
        name=name,
    )
    return _directory_out(entries, selectors.suggestions(viewer))


@router.get(
    "directory",
    response={200: DirectoryOut, **error_responses(401, 403, 404, 422)},
    **organiser(Scope.READ),
    summary="The attendee directory (organisers)",
)
def staff_directory(
    request: HttpRequest,
    role: RoleCode | None = None,  # type: ignore[valid-type]
    province: ProvinceName | None = None,  # type: ignore[valid-type]
    interest: ThemeCode | None = None,  # type: ignore[valid-type]
    name: str = Query("", max_length=100, description="Part of the name, whatever the case."),
):
    entries = selectors.directory(
        current_event(), role=role or "", province=province or "", interest=interest or "", name=name
    )
    return _directory_out(entries)
