"""Who may scan: organisers logged in to the site, or a paired scanner device with its bearer token."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuthIsStaff

from checkin.models import Device
from checkin.services import authenticate_device
from events import selectors
from events.models import Event


class DeviceToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Device | None:
        return authenticate_device(token)


class StaffSession(SessionAuthIsStaff):
    """A logged-in organiser (is_staff); CSRF-checked like any session request."""

    def __call__(self, request: HttpRequest):
        # ninja checks CSRF before it looks at the session. Without a staff session there is nothing
        # to protect, and a phone whose token was revoked must hear 401, not 403 "CSRF check Failed".
        user = request.user
        if not (user.is_authenticated and (user.is_staff or user.is_superuser)):
            return None
        return super().__call__(request)


scanner_auth = [DeviceToken(), StaffSession()]
organiser_auth = [StaffSession()]


def scanner_of(request: HttpRequest) -> tuple[Event, Device | None, object | None]:
    """(event, device, user) behind an authenticated request."""
    if isinstance(request.auth, Device):
        return request.auth.event, request.auth, None
    return selectors.current_event(), None, request.auth
