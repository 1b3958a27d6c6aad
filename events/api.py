"""Public API of the core: the event, its programme, municipalities, registrations; and the
organisers' changes to the programme."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from events import selectors, services, webhooks
from events.auth import Scope, organiser
from events.errors import InvalidInput
from events.extras import with_extra_fields, with_extra_schema
from events.forms import RegistrationForm, ResendForm, WorkshopChoiceForm, clean_delegation
from events.models import Room, Round, Workshop, WorkshopHold
from events.presence import vouches_for_address
from events.questions.services import questions_of
from events.schemas import (
    MAX_ID,
    AcceptedOut,
    DelegationIn,
    DelegationOut,
    EventOut,
    HoldOut,
    InvitationCodeIn,
    InvitationCodeOut,
    MunicipalityOut,
    PersonalDataOut,
    QuestionOut,
    RegistrationChangeIn,
    RegistrationDetailOut,
    RegistrationIn,
    RegistrationOut,
    ResendIn,
    WebhookCreatedOut,
    WebhookIn,
    WorkshopChangeIn,
    WorkshopOut,
    delegation_out,
    error_responses,
    registration_detail_out,
    registration_out,
)

router = Router(tags=["event"])
# With the fields the other apps add to a registration (events.extras).
RegistrationWithExtrasIn = with_extra_schema(RegistrationIn, "in")
RegistrationWithExtrasOut = with_extra_schema(RegistrationDetailOut, "out")
WORKSHOP_ID = Path(..., ge=1, le=MAX_ID, description="The workshop's id.")


@router.get("event", response={200: EventOut, **error_responses(404)}, summary="The event")
def get_event(request: HttpRequest):
    event = selectors.current_event()
    return {
        "name": event.name,
        "slug": event.slug,
        "date": event.date,
        "venue": event.venue,
        "venue_address": event.venue_address,
        "registration_open": event.registration_is_open(),
        "capacity": event.capacity,
        "registered": selectors.registered_count(event),
    }


@router.get("workshops", response={200: list[WorkshopOut], **error_responses(404)}, summary="The programme")
def list_workshops(request: HttpRequest):
    return Workshop.objects.programme(selectors.current_event())


@router.get(
    "questions",
    response={200: list[QuestionOut], **error_responses(404)},
    summary="The organisers' questions on the registration form",
)
def list_questions(request: HttpRequest):
    """What to ask when registering, in order; answers go in the registration's `answers`."""
    return [
        {
            "id": question.pk,
            "text": question.text,
            "help_text": question.help_text,
            "kind": question.kind,
            "required": question.required,
            "roles": question.roles,
            "options": [{"id": option.pk, "label": option.label} for option in question.options.all()],
        }
        for question in questions_of(selectors.current_event())
    ]


@router.get("municipalities", response=list[MunicipalityOut], summary="Search municipalities")
def search_municipalities(request: HttpRequest, q: str = ""):
    """By name prefix or CBS code (`GM0307`, `0307`); all 342 without `q`."""
    return selectors.search_municipalities(q[:100])


@router.post(
    "registrations",
    response={201: RegistrationOut, **error_responses(400, 404, 409, 422)},
    summary="Register an attendee",
)
def create_registration(request: HttpRequest, payload: RegistrationWithExtrasIn):
    event = selectors.current_event()
    form = with_extra_fields(RegistrationForm)(data=payload.dict(), event=event)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    registration, _token = services.register(
        event=event,
        language=payload.language or translation.get_language(),
        proven=vouches_for_address(request, event_id=event.pk),
        answers=payload.answers,
        **form.cleaned_data,
    )
    return Status(201, registration_out(registration, request.build_absolute_uri))


@router.post(
    "delegations",
    response={201: DelegationOut, **error_responses(400, 404, 409, 422)},
    summary="Register a delegation",
)
def create_delegation(request: HttpRequest, payload: DelegationIn):
    """A coordinator (a griffier, say) registers the people of their municipality in one go: all
    of them or, when the event has too few places left, none (422 `event_full` naming the
    shortfall). Errors per member point at the row: `members.3.email`. A member with an address
    gets their own confirmation and link (not in this answer); the coordinator manages the others
    and, when attending, themselves (their `manage_url` is in the answer); an attending coordinator
    answers the organisers' questions of their role (`coordinator.answers`). Someone whose address is
    registered already is `invited`: asked by mail whether they join, keeping their registration;
    someone in another delegation is a 422 on their row."""
    event = selectors.current_event()
    cleaned = clean_delegation(payload.dict(), event)
    delegation, _token, registered = services.register_delegation(
        event=event, language=translation.get_language(), **cleaned
    )
    members = [member for member, _member_token in registered]
    return Status(201, delegation_out(delegation, members, request.build_absolute_uri))


@router.get(
    "delegations/{manage_token}",
    response={200: DelegationOut, **error_responses(404)},
    summary="My delegation",
)
def get_delegation(request: HttpRequest, manage_token: str):
    """The delegation behind the coordinator's private link, its members (cancelled ones too), then
    those asked to join who did not (yet)."""
    delegation = selectors.delegation_for_token(manage_token)
    members = delegation.members.select_related("delegation").order_by("created_at", "pk")
    invitations = delegation.invitations.exclude(accepted=True).order_by("created_at", "pk")
    return delegation_out(delegation, [*members, *invitations], request.build_absolute_uri)


@router.post(
    "registrations/resend",
    response={202: AcceptedOut, **error_responses(400, 422)},
    summary="Send my link again",
)
def resend_links(request: HttpRequest, payload: ResendIn):
    """Mails the private link of every registration made with this address to that address. The
    answer is 202 whether or not the address is registered (nothing to learn from it); a few
    requests per address and hour are mailed, the rest are quietly dropped."""
    form = ResendForm(data=payload.dict())
    if form.is_valid():
        services.send_links(selectors.current_event(), form.cleaned_data["email"])
    else:
        selectors.current_event()  # 404 without an event, as every operation
    return Status(202, {"detail": _("If this address is registered, its link has been sent to it.")})


@router.get(
    "registrations/{manage_token}",
    response={200: RegistrationWithExtrasOut, **error_responses(404)},
    summary="My registration",
)
def get_registration(request: HttpRequest, manage_token: str):
    registration = selectors.registration_for_token(manage_token)
    return registration_detail_out(registration, request.build_absolute_uri)


@router.patch(
    "registrations/{manage_token}",
    response={200: RegistrationWithExtrasOut, **error_responses(400, 404, 409, 422)},
    summary="Change my workshops or my answers",
)
def change_registration(request: HttpRequest, manage_token: str, payload: RegistrationChangeIn):
    """`workshops` is the complete new choice; unchanged rounds keep their seat or waitlist place.
    `answers` are the complete new answers to the organisers' questions of the attendee's role.
    Give one or both; both change together or not at all."""
    registration = selectors.registration_for_token(manage_token)
    if payload.workshops is None and payload.answers is None:
        raise InvalidInput({"__all__": [str(_("Give the workshops or the answers to change."))]})
    workshops = None
    if payload.workshops is not None:
        form = WorkshopChoiceForm(data={"workshops": payload.workshops}, event=registration.event)
        if not form.is_valid():
            raise InvalidInput.from_form(form)
        workshops = form.cleaned_data["workshops"]
    services.change_registration(registration, workshops=workshops, answers=payload.answers)
    registration.refresh_from_db()
    return registration_detail_out(registration, request.build_absolute_uri)


@router.delete(
    "registrations/{manage_token}",
    response={200: RegistrationWithExtrasOut, **error_responses(404)},
    summary="Cancel my registration",
)
def cancel_registration(request: HttpRequest, manage_token: str):
    """Frees every seat at once (the waitlists move up). Cancelling twice is harmless."""
    registration = services.cancel_registration(selectors.registration_for_token(manage_token))
    return registration_detail_out(registration, request.build_absolute_uri)


@router.get(
    "registrations/{manage_token}/export",
    response={200: PersonalDataOut, **error_responses(404)},
    summary="Everything held about me (JSON)",
)
def export_registration(request: HttpRequest, manage_token: str):
    """Registration, bookings, check-ins and scans, e-mails (not their text), directory profile,
    contacts and consents with their times: the attendee's right of access (AVG art. 15 and 20)."""
    return selectors.personal_data(selectors.registration_for_token(manage_token))


def _in_event(model, pk: int | None, workshop: Workshop, field: str, unknown: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, event_id=workshop.round.event_id).first()
    if found is None:
        raise InvalidInput({field: [unknown]})
    return found


@router.patch(
    "workshops/{workshop_id}",
    **organiser(Scope.PROGRAMME),
    response={200: WorkshopOut, **error_responses(400, 401, 404, 409, 422)},
    summary="Move a workshop or change its capacity (organisers)",
)
def change_workshop(request: HttpRequest, payload: WorkshopChangeIn, workshop_id: int = WORKSHOP_ID):
    """Bumps the workshop's sequence, gives new seats to the waitlist, e-mails the attendees
    when the room or time changed, and publishes a `workshop` event."""
    workshop = get_object_or_404(Workshop.objects.select_related("round"), pk=workshop_id)
    services.update_workshop(
        workshop,
        room=_in_event(Room, payload.room, workshop, "room", _("Unknown room.")),
        round=_in_event(Round, payload.round, workshop, "round", _("Unknown round.")),
        capacity=payload.capacity,
    )
    return Workshop.objects.programme_item(workshop_id)


@router.post(
    "workshops/{workshop_id}/cancel",
    **organiser(Scope.PROGRAMME),
    response={200: WorkshopOut, **error_responses(401, 404)},
    summary="Cancel a workshop (organisers)",
)
def cancel_workshop(request: HttpRequest, workshop_id: int = WORKSHOP_ID):
    services.cancel_workshop(get_object_or_404(Workshop, pk=workshop_id))
    return Workshop.objects.programme_item(workshop_id)


@router.post(
    "webhooks",
    **organiser(Scope.REGISTRATIONS),
    response={201: WebhookCreatedOut, **error_responses(401, 404, 422)},
    summary="Register a webhook endpoint (organisers)",
)
def create_webhook(request: HttpRequest, payload: WebhookIn):
    """Deliveries are POSTed after each change commits, signed with `X-DLD-Signature:
    t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`; compare in constant
    time and reject a `t` more than five minutes old. `X-DLD-Delivery` stays the same over retries."""
    endpoint, secret = webhooks.register(
        selectors.current_event(), url=payload.url, events=payload.events, created_by=request.user
    )
    return Status(201, {"id": endpoint.pk, "secret": secret})


@router.post(
    "invitation-codes",
    **organiser(Scope.REGISTRATIONS),
    response={201: InvitationCodeOut, **error_responses(400, 401, 404, 409, 422)},
    summary="Make an invitation code (organisers)",
)
def create_invitation_code(request: HttpRequest, payload: InvitationCodeIn):
    """For the current edition. The code is stored in capitals; a code that exists is a 409."""
    event = selectors.current_event()
    fields = payload.dict()
    holds = [services.HoldRequest(**hold) for hold in fields.pop("holds")]
    code = services.make_invitation_code(event=event, holds=holds, **fields)
    return Status(201, code)


@router.post(
    "invitation-codes/{code_id}/holds/{workshop_id}/release",
    **organiser(Scope.REGISTRATIONS),
    response={200: HoldOut, **error_responses(401, 404)},
    summary="Release a code's held seats to the waiting list (organisers)",
)
def release_hold(
    request: HttpRequest,
    code_id: int = Path(..., ge=1, le=MAX_ID, description="The invitation code's id."),
    workshop_id: int = WORKSHOP_ID,
):
    """The seats no one with the code booked go to the workshop's waiting list at once (seat_granted
    mails) and are free to anyone after that. Releasing a released hold changes nothing."""
    hold = get_object_or_404(
        WorkshopHold, code_id=code_id, workshop_id=workshop_id, code__event=selectors.current_event()
    )
    services.release_hold(hold)
    hold.refresh_from_db()
    return hold
