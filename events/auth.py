"""Organisers: logged-in staff accounts (session cookie, CSRF-checked), or a script with one of an
organiser's API tokens (`Authorization: Bearer <token>`, no session, no CSRF) for the operation's scope."""

from django.http import HttpRequest
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer, SessionAuthIsStaff

from events import audit, services  # the module, not its names: config.ratelimit → presence → here
from events.models import ApiToken


def is_organiser(user) -> bool:
    """A logged-in staff account (or superuser): who may use the organisers' pages, API and sockets."""
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


class StaffSession(SessionAuthIsStaff):
    """A logged-in organiser (is_staff); CSRF-checked like any session request."""

    def __call__(self, request: HttpRequest):
        # ninja checks CSRF before it looks at the session. Without a staff session there is nothing
        # to protect, and a phone whose token was revoked must hear 401, not 403 "CSRF check Failed".
        if not is_organiser(request.user):
            return None
        return super().__call__(request)


class OrganiserToken(HttpBearer):
    """An organiser's API token that grants `scope`. An unknown, expired or revoked token is no
    token (401); a good one without the scope is refused (403)."""

    openapi_description = (
        "An organiser's personal API token (made in the admin, or with `manage.py create_api_token`), "
        "sent as `Authorization: Bearer <token>`; no session or CSRF token needed. Each operation names "
        "the one scope it needs: read, programme, registrations, check-in or messages. Requests are "
        "rate-limited per token."
    )

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str):
        found = services.authenticate_api_token(token)
        if found is None:
            return None
        if self.scope not in found.scopes:
            raise AuthorizationError
        request.user = found.user
        audit.identify_token(user=found.user)  # what this request changes, the organiser did
        return found.user


def organiser(scope: str) -> dict:
    """An organiser operation's `auth` and its OpenAPI security (the token's scope named), as
    keyword arguments of the router's decorator: `@router.patch(..., **organiser(Scope.PROGRAMME))`."""
    return {
        "auth": [OrganiserToken(scope), StaffSession()],
        # config.api names it in the operation's OrganiserToken requirement too.
        "openapi_extra": {"x-scope": str(scope)},
    }


Scope = ApiToken.Scope
