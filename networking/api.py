"""Public API of the networking app: offers to municipalities, signups, the attendee directory."""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from checkin.auth import organiser_auth
from events.errors import InvalidInput
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
    response={201: SignupOut, 200: SignupOut, **error_responses(400, 404, 422)},
    summary="Sign a municipality up for offers",
)
def create_signup(request: HttpRequest, payload: SignupIn):
    """First come, first served per offer; once an offer is full the municipality joins its
    waitlist (`position`). One signup per municipality and offer: asking again for an offer the
    municipality already holds returns its existing status and adds this person as a contact
    (`new: false`). 201 when at least one signup was created, 200 when none was."""
    event = current_event()
    form = SignupForm(data=payload.dict(), event=event)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    result = services.sign_up(event=event, **form.cleaned_data)
    body = {
        "reference": result.reference,
        "municipality": result.municipality,
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
    return Status(201 if any(outcome.new for outcome in result.outcomes) else 200, body)


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
):
    """Attendees who opted in (never an e-mail address), and suggestions of people to meet. Only
    for attendees who are listed themselves (403 `not_in_directory` otherwise)."""
    viewer = registration_for_token(manage_token)
    if not selectors.may_see_directory(viewer):
        raise DirectoryError(
            "not_in_directory", _("Join the attendee directory yourself to see who else is in it.")
        )
    entries = selectors.directory(
        viewer.event, viewer=viewer, role=role or "", province=province or "", interest=interest or ""
    )
    return _directory_out(entries, selectors.suggestions(viewer))


@router.get(
    "directory",
    response={200: DirectoryOut, **error_responses(401, 403, 404, 422)},
    auth=organiser_auth,
    summary="The attendee directory (organisers)",
)
def staff_directory(
    request: HttpRequest,
    role: RoleCode | None = None,  # type: ignore[valid-type]
    province: ProvinceName | None = None,  # type: ignore[valid-type]
    interest: ThemeCode | None = None,  # type: ignore[valid-type]
):
    entries = selectors.directory(
        current_event(), role=role or "", province=province or "", interest=interest or ""
    )
    return _directory_out(entries)
