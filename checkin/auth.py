"""Who may scan: organisers logged in to the site, or a paired scanner device with its bearer token."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from checkin.models import Device
from checkin.services import authenticate_device
from events import selectors
from events.auth import StaffSession, organiser_auth
from events.models import Event


class DeviceToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Device | None:
        return authenticate_device(token)


scanner_auth = [DeviceToken(), StaffSession()]

__all__ = ["DeviceToken", "organiser_auth", "scanner_auth", "scanner_of"]


def scanner_of(request: HttpRequest) -> tuple[Event, Device | None, object | None]:
    """(event, device, user) behind an authenticated request."""
    if isinstance(request.auth, Device):
        return request.auth.event, request.auth, None
    return selectors.current_event(), None, request.auth
