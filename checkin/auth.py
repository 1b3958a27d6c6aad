"""Who may scan and use the check-in's staff operations: a paired scanner device with its bearer
token, an organiser logged in to the site, or an organiser's script with an API token of the
`check-in` scope (events.auth; another scope is refused with 403)."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from checkin.models import Device
from checkin.services import authenticate_device
from events import audit, selectors
from events.auth import OrganiserToken, Scope, StaffSession
from events.models import Event


class DeviceToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Device | None:
        device = authenticate_device(token)
        if device is not None:
            audit.identify(device=device)  # what this request changes, the device did
        return device


# The API token first: it is told from a device's token by its prefix, without a query.
scanner_auth = [OrganiserToken(Scope.CHECK_IN), DeviceToken(), StaffSession()]


def staff_operation() -> dict:
    """A check-in operation's `auth` and its OpenAPI scope, as keyword arguments of the router's
    decorator (config.api names the scope in the operation's OrganiserToken requirement)."""
    return {"auth": scanner_auth, "openapi_extra": {"x-scope": str(Scope.CHECK_IN)}}


def scanner_of(request: HttpRequest) -> tuple[Event, Device | None, object | None]:
    """(event, device, user) behind an authenticated request."""
    if isinstance(request.auth, Device):
        return request.auth.event, request.auth, None
    return selectors.current_event(), None, request.auth
