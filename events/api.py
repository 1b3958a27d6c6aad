"""Public API of the core: the event, its programme, municipalities, registrations; and the
organisers' changes to the programme."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from events import selectors, services
from events.auth import organiser_auth
from events.errors import InvalidInput
from events.forms import RegistrationForm, WorkshopChoiceForm
from events.models import Room, Round, Workshop
from events.schemas import (
    MAX_ID,
    EventOut,
    MunicipalityOut,
    PersonalDataOut,
    RegistrationChangeIn,
    RegistrationDetailOut,
    RegistrationIn,
    RegistrationOut,
    WorkshopChangeIn,
    WorkshopOut,
    error_responses,
    registration_detail_out,
    registration_out,
)

router = Router(tags=["event"])
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


@router.get("municipalities", response=list[MunicipalityOut], summary="Search municipalities")
def search_municipalities(request: HttpRequest, q: str = ""):
    """By name prefix or CBS code (`GM0307`, `0307`); all 342 without `q`."""
    return selectors.search_municipalities(q[:100])


@router.post(
    "registrations",
    response={201: RegistrationOut, **error_responses(400, 404, 409, 422)},
    summary="Register an attendee",
)
def create_registration(request: HttpRequest, payload: RegistrationIn):
    event = selectors.current_event()
    form = RegistrationForm(data=payload.dict(), event=event)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    registration, _token = services.register(event=event, **form.cleaned_data)
    return Status(201, registration_out(registration, request.build_absolute_uri))


@router.get(
    "registrations/{manage_token}",
    response={200: RegistrationDetailOut, **error_responses(404)},
    summary="My registration",
)
def get_registration(request: HttpRequest, manage_token: str):
    registration = selectors.registration_for_token(manage_token)
    return registration_detail_out(registration, request.build_absolute_uri)


@router.patch(
    "registrations/{manage_token}",
    response={200: RegistrationDetailOut, **error_responses(400, 404, 409, 422)},
    summary="Change my workshops",
)
def change_registration(request: HttpRequest, manage_token: str, payload: RegistrationChangeIn):
    """`workshops` is the complete new choice. Unchanged rounds keep their seat or waitlist place."""
    registration = selectors.registration_for_token(manage_token)
    form = WorkshopChoiceForm(data=payload.dict(), event=registration.event)
    if not form.is_valid():
        raise InvalidInput.from_form(form)
    services.change_workshops(registration, form.cleaned_data["workshops"])
    registration.refresh_from_db()
    return registration_detail_out(registration, request.build_absolute_uri)


@router.delete(
    "registrations/{manage_token}",
    response={200: RegistrationDetailOut, **error_responses(404)},
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
    auth=organiser_auth,
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
    auth=organiser_auth,
    response={200: WorkshopOut, **error_responses(401, 404)},
    summary="Cancel a workshop (organisers)",
)
def cancel_workshop(request: HttpRequest, workshop_id: int = WORKSHOP_ID):
    services.cancel_workshop(get_object_or_404(Workshop, pk=workshop_id))
    return Workshop.objects.programme_item(workshop_id)
