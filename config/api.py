"""The one NinjaAPI. Each app brings a router; errors have one shape: {detail, code, errors}."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from checkin.api import router as checkin_router
from events.api import router as events_router
from events.errors import InvalidInput, ServiceError
from networking.api import router as networking_router

api = NinjaAPI(
    title="Dag van de Lokale Democratie",
    version="1",
    description="Registration, programme, check-in and networking for the Dag van de Lokale Democratie.",
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("", events_router)
api.add_router("", networking_router)
api.add_router("", checkin_router)


def _error(request: HttpRequest, status: int, code: str, detail: str, errors: dict | None = None):
    return api.create_response(
        request, {"detail": detail, "code": code, "errors": errors or {}}, status=status
    )


def _field(location: tuple | list) -> str:
    """Pydantic's ("body", "payload", "workshops", 0) → "workshops": the field a form would mark."""
    parts = [str(part) for part in location if part not in ("body", "payload", "query", "path")]
    return parts[0] if parts else "__all__"


@api.exception_handler(InvalidInput)
def invalid_input(request: HttpRequest, error: InvalidInput):
    return _error(request, 422, error.code, _("Some fields are not filled in correctly."), error.errors)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, error: ServiceError):
    errors = {error.field: [error.message]} if error.field else {}
    return _error(request, error.status, error.code, error.message, errors)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError):
    errors: dict[str, list[str]] = {}
    for problem in error.errors:
        errors.setdefault(_field(problem.get("loc", ())), []).append(str(problem.get("msg", "")))
    return _error(request, 422, "invalid", _("Some fields are not filled in correctly."), errors)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError):
    return _error(request, 401, "unauthenticated", _("Log in, or send a valid scanner token."))


@api.exception_handler(AuthorizationError)
def forbidden(request: HttpRequest, error: AuthorizationError):
    return _error(request, 403, "forbidden", _("You may not do this."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError):
    code = {400: "bad_request", 405: "method_not_allowed", 429: "rate_limited"}.get(
        error.status_code, "http_error"
    )
    return _error(request, error.status_code, code, str(error))
