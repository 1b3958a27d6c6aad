"""Public API of the networking app: offers to municipalities, signups, the attendee directory, 1:1
meetings."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Status

from events.auth import Scope, organiser
from events.errors import InvalidInput
from events.links import absolute_url
from events.presence import in_person
from events.schemas import ObjectId, RoleCode, error_responses
from events.selectors import current_event, registration_for_token
from networking import selectors, services
from networking.errors import DirectoryError, MeetingError
from networking.forms import SignupForm
from networking.meetings import selectors as meeting_selectors
from networking.meetings import services as meeting_services
from networking.schemas import (
    DirectoryOut,
    MeetingCancelIn,
    MeetingIn,
    MeetingOut,
    MeetingProposalIn,
    MeetingsOut,
    NoTableOut,
    OfferOut,
    ProvinceName,
    SignupIn,
    SignupOut,
    ThemeCode,
)

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


# 1:1 meetings, off the attendee's private link (networking.meetings).


def _person_out(registration) -> dict:
    return {
        "id": registration.pk,
        "name": registration.full_name,
        "role_label": str(registration.get_role_display()),
        "municipality": registration.affiliation,
    }


def _meeting_out(meeting) -> dict:
    return {
        "id": meeting.pk,
        "state": meeting.state,
        "slot": meeting.slot,
        "requester": _person_out(meeting.requester),
        "invitee": _person_out(meeting.invitee),
        "table": meeting.table.number if meeting.table_id else None,
        "area": meeting.table.area if meeting.table_id else "",
        "message": meeting.message,
        "cancel_message": meeting.cancel_message,
    }


def _attending(manage_token: str):
    registration = registration_for_token(manage_token)
    if not registration.is_confirmed:
        raise MeetingError("not_registered", _("Your registration has been cancelled."), status=409)
    return registration


@router.get(
    "registrations/{manage_token}/meetings",
    response={200: MeetingsOut, **error_responses(404, 409, 422)},
    summary="An attendee's 1:1 meetings",
)
def list_meetings(request: HttpRequest, manage_token: str, with_person: ObjectId | None = None):
    """Requests for them, requests they sent, agreed meetings with their table. `with_person` (a
    directory entry's `id`) adds the slots free for both (404 `unknown_person` if not listed)."""
    registration = _attending(manage_token)
    mine = meeting_selectors.meetings_of(registration)
    free = []
    if with_person is not None:
        person = meeting_selectors.listed_person(registration, with_person)
        if person is None:
            raise MeetingError(
                "unknown_person", _("This person is not in the attendee directory."), status=404
            )
        free = meeting_selectors.free_slots(registration, person)
    return {
        "incoming": [_meeting_out(meeting) for meeting in mine.incoming],
        "outgoing": [_meeting_out(meeting) for meeting in mine.outgoing],
        "accepted": [_meeting_out(meeting) for meeting in mine.accepted],
        "free_slots": free,
    }


@router.post(
    "registrations/{manage_token}/meetings",
    response={201: MeetingOut, **error_responses(403, 404, 409, 422)},
    summary="Ask someone in the directory for a meeting",
)
def create_meeting(request: HttpRequest, manage_token: str, payload: MeetingIn):
    """In a slot free for both (see `with_person` of GET …/meetings); both must be listed in the
    directory (403 `not_in_directory`). Asking twice gives the one request."""
    meeting = meeting_services.request_meeting(
        requester=_attending(manage_token),
        invitee_id=payload.invitee,
        slot_id=payload.slot,
        message=payload.message,
    )
    return Status(201, _meeting_out(meeting))


@router.post(
    "registrations/{manage_token}/meetings/{meeting_id}/accept",
    response={200: MeetingOut, 409: NoTableOut, **error_responses(404, 422)},
    summary="Accept a meeting: the lowest free table of its slot",
)
def accept_meeting(request: HttpRequest, manage_token: str, meeting_id: ObjectId):
    """409 `no_table` when every table of the slot is taken, with the other slots free for both in
    `alternatives` (propose one of them); 409 `busy` when either has something else then."""
    registration = _attending(manage_token)
    try:
        meeting = meeting_services.accept_meeting(registration=registration, meeting_id=meeting_id)
    except MeetingError as error:
        if error.code != "no_table":
            raise
        return Status(
            409,
            {"code": error.code, "detail": error.message, "errors": {}, "alternatives": error.alternatives},
        )
    return _meeting_out(meeting)


@router.post(
    "registrations/{manage_token}/meetings/{meeting_id}/decline",
    response={200: MeetingOut, **error_responses(404, 409, 422)},
    summary="Decline a meeting",
)
def decline_meeting(request: HttpRequest, manage_token: str, meeting_id: ObjectId):
    return _meeting_out(
        meeting_services.decline_meeting(registration=_attending(manage_token), meeting_id=meeting_id)
    )


@router.post(
    "registrations/{manage_token}/meetings/{meeting_id}/propose",
    response={201: MeetingOut, **error_responses(404, 409, 422)},
    summary="Answer a meeting request with another slot",
)
def propose_meeting_slot(
    request: HttpRequest, manage_token: str, meeting_id: ObjectId, payload: MeetingProposalIn
):
    """The request closes as `proposed`; the answer is a new request the other way round (201)."""
    meeting = meeting_services.propose_other_slot(
        registration=_attending(manage_token),
        meeting_id=meeting_id,
        slot_id=payload.slot,
        message=payload.message,
    )
    return Status(201, _meeting_out(meeting))


@router.post(
    "registrations/{manage_token}/meetings/{meeting_id}/cancel",
    response={200: MeetingOut, **error_responses(404, 409, 422)},
    summary="Withdraw a request or cancel an agreed meeting, with a message",
)
def cancel_meeting(request: HttpRequest, manage_token: str, meeting_id: ObjectId, payload: MeetingCancelIn):
    meeting = meeting_services.cancel_meeting(
        registration=_attending(manage_token), meeting_id=meeting_id, message=payload.message
    )
    return _meeting_out(meeting)
