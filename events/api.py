"""Public API of the core: the event, its programme, municipalities, registrations."""

from django.http import HttpRequest
from ninja import Router, Status

from events import selectors, services
from events.errors import InvalidInput
from events.forms import RegistrationForm
from events.models import Workshop
from events.schemas import (
    EventOut,
    MunicipalityOut,
    RegistrationDetailOut,
    RegistrationIn,
    RegistrationOut,
    WorkshopOut,
    error_responses,
    registration_out,
)

router = Router(tags=["event"])


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
    registration, manage_token = services.register(event=event, **form.cleaned_data)
    return Status(201, registration_out(registration, manage_token, request.build_absolute_uri))


@router.get(
    "registrations/{manage_token}",
    response={200: RegistrationDetailOut, **error_responses(404)},
    summary="My registration",
)
def get_registration(request: HttpRequest, manage_token: str):
    registration = selectors.registration_for_token(manage_token)
    return {
        **registration_out(registration, manage_token, request.build_absolute_uri),
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
