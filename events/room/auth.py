"""Who moderates a session: an organiser (staff session), or whoever holds its moderator token."""

from django.http import HttpRequest
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from events.auth import StaffSession
from events.room.models import LiveRoom
from events.room.services import room_for_moderator_token


class ModeratorToken(HttpBearer):
    """The bearer token of a session's moderator link (a speaker's, made by an organiser)."""

    def authenticate(self, request: HttpRequest, token: str) -> LiveRoom | None:
        return room_for_moderator_token(token)


moderator_auth = [ModeratorToken(), StaffSession()]


def check_moderates(request: HttpRequest, room: LiveRoom) -> None:
    """A moderator token is good for its own session only (403 elsewhere); organisers for all."""
    if isinstance(request.auth, LiveRoom) and request.auth.pk != room.pk:
        raise AuthorizationError()
