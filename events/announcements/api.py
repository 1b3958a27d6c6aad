"""API of live announcements: organisers post and withdraw them; anyone reads the active ones."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Router, Status

from events import selectors
from events.announcements import live, services
from events.announcements.schemas import AnnouncementIn, AnnouncementOut
from events.auth import Scope, organiser
from events.errors import InvalidInput
from events.models import Workshop
from events.schemas import MAX_ID, error_responses

router = Router(tags=["announcements"])
ANNOUNCEMENT_ID = Path(..., ge=1, le=MAX_ID, description="The announcement's id.")


@router.get(
    "announcements",
    response={200: list[AnnouncementOut], **error_responses(404)},
    summary="Announcements shown now",
)
def list_announcements(request: HttpRequest):
    return live.active(selectors.current_event().pk)


@router.post(
    "announcements",
    **organiser(Scope.MESSAGES),
    response={201: AnnouncementOut, **error_responses(400, 401, 404, 422)},
    summary="Post a live announcement (organisers)",
)
def post_announcement(request: HttpRequest, payload: AnnouncementIn):
    """Shown at once as a banner on every open page of the day (`announcement` on the sockets),
    and on pages loaded later, until `expires_at`."""
    event = selectors.current_event()
    workshop = None
    if payload.workshop is not None:
        workshop = Workshop.objects.select_related("round").filter(pk=payload.workshop).first()
        if workshop is None:
            raise InvalidInput({"workshop": [services.unknown_workshop()]})
    expires_at = payload.expires_at
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    announcement = services.post_announcement(
        event, text=payload.text, workshop=workshop, expires_at=expires_at, by=request.user
    )
    return Status(201, live.announcement_out(announcement))


@router.delete(
    "announcements/{announcement_id}",
    **organiser(Scope.MESSAGES),
    response={204: None, **error_responses(401, 404)},
    summary="Withdraw an announcement (organisers)",
)
def withdraw_announcement(request: HttpRequest, announcement_id: int = ANNOUNCEMENT_ID):
    """Taken off every open page at once (`announcement_withdrawn`). Again: 204, nothing changes."""
    services.withdraw_announcement(selectors.current_event(), announcement_id)
    return Status(204, None)
