"""The planning board's API (/api/v1/board…): its state, the preview of a change, applying it,
and setting up rooms, rounds and workshops. For an organiser's session or an API token of
scope `programme`."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Status

from events import selectors
from events.auth import Scope, organiser
from events.board import services
from events.board.schemas import (
    BoardOut,
    ChangeIn,
    CreatedOut,
    PreviewOut,
    RoomIn,
    RoundChangeIn,
    RoundIn,
    StaleOut,
    WorkshopDetailsIn,
    WorkshopIn,
)
from events.models import Room, Round, Workshop
from events.schemas import MAX_ID, error_responses
from events.services import StaleVersion

router = Router(tags=["planning board"])
ID = Path(..., ge=1, le=MAX_ID)


def _event():
    return selectors.current_event()


def _change(payload: ChangeIn) -> services.Change:
    return services.change_from_ids(_event(), **payload.dict())


def _stale(error: StaleVersion):
    return Status(
        409,
        {
            "detail": error.message,
            "code": error.code,
            "errors": {},
            "workshops": services.cards(error.workshop_ids),
        },
    )


@router.get(
    "board",
    **organiser(Scope.PROGRAMME),
    response={200: BoardOut, **error_responses(401, 404)},
    summary="The planning board (organisers)",
)
def board(request: HttpRequest):
    """Rooms, rounds (times on the event's clock) and the scheduled workshops as cards with their versions."""
    return services.board_state(_event())


@router.post(
    "board/preview",
    **organiser(Scope.PROGRAMME),
    response={200: PreviewOut, **error_responses(401, 404, 422)},
    summary="What a change of the board would do (organisers)",
)
def preview(request: HttpRequest, payload: ChangeIn):
    """A dry run of the programme service, rolled back: mails, calendar updates, who moves up
    from a waitlist, and every conflict. Nothing changes."""
    return services.preview(_change(payload))


@router.post(
    "board/apply",
    **organiser(Scope.PROGRAMME),
    response={200: BoardOut, 409: StaleOut, **error_responses(401, 404, 422)},
    summary="Apply a change of the board (organisers)",
)
def apply(request: HttpRequest, payload: ChangeIn):
    """Through the programme service (mails, calendar SEQUENCE, live push, audit entry). A version
    that is not the card's current one is refused with 409 and the cards' current state; a change
    the programme's rules refuse (room taken, room too small) is a 409 or 422 with its code."""
    change = _change(payload)
    try:
        services.apply_change(change)
    except StaleVersion as error:
        return _stale(error)
    return services.board_state(_event())


@router.post(
    "board/rooms",
    **organiser(Scope.PROGRAMME),
    response={201: CreatedOut, **error_responses(401, 404, 422)},
    summary="Add a room (organisers)",
)
def create_room(request: HttpRequest, payload: RoomIn):
    room = services.create_room(_event(), **payload.dict())
    return Status(201, {"id": room.pk})


@router.patch(
    "board/rooms/{room_id}",
    **organiser(Scope.PROGRAMME),
    response={200: CreatedOut, **error_responses(401, 404, 422)},
    summary="Change a room (organisers)",
)
def change_room(request: HttpRequest, payload: RoomIn, room_id: int = ID):
    room = get_object_or_404(Room, pk=room_id, event=_event())
    services.update_room(room, **payload.dict())
    return {"id": room.pk}


@router.post(
    "board/rounds",
    **organiser(Scope.PROGRAMME),
    response={201: CreatedOut, **error_responses(401, 404, 422)},
    summary="Add a round (organisers)",
)
def create_round(request: HttpRequest, payload: RoundIn):
    round_ = services.create_round(_event(), **payload.dict())
    return Status(201, {"id": round_.pk})


@router.patch(
    "board/rounds/{round_id}",
    **organiser(Scope.PROGRAMME),
    response={200: CreatedOut, **error_responses(401, 404, 422)},
    summary="Change a round (organisers)",
)
def change_round(request: HttpRequest, payload: RoundChangeIn, round_id: int = ID):
    round_ = get_object_or_404(Round, pk=round_id, event=_event())
    services.update_round(round_, **payload.dict())
    return {"id": round_.pk}


@router.post(
    "board/workshops",
    **organiser(Scope.PROGRAMME),
    response={201: CreatedOut, **error_responses(401, 404, 409, 422)},
    summary="Add a workshop (organisers)",
)
def create_workshop(request: HttpRequest, payload: WorkshopIn):
    event = _event()
    workshop = services.create_workshop(
        event,
        title=payload.title,
        room=services.in_event(Room, payload.room, event, "room"),
        round=services.in_event(Round, payload.round, event, "round"),
        capacity=payload.capacity,
        description=payload.description,
        speakers=payload.speakers,
    )
    return Status(201, {"id": workshop.pk})


@router.patch(
    "board/workshops/{workshop_id}",
    **organiser(Scope.PROGRAMME),
    response={200: CreatedOut, 409: StaleOut, **error_responses(401, 404, 422)},
    summary="Change a workshop's title, description and speakers (organisers)",
)
def change_workshop(request: HttpRequest, payload: WorkshopDetailsIn, workshop_id: int = ID):
    workshop = get_object_or_404(
        Workshop.objects.select_related("round__event"), pk=workshop_id, round__event=_event()
    )
    try:
        services.update_workshop_details(workshop, **payload.dict())
    except StaleVersion as error:
        return _stale(error)
    return {"id": workshop.pk}
