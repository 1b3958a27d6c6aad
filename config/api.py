"""The one NinjaAPI. Each app brings a router; errors have one shape: {detail, code, errors}."""

import functools

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.parser import Parser

from checkin.api import router as checkin_router
from config import ratelimit
from config.origins import is_our_site, origin_of
from events.announcements.api import router as announcements_router
from events.api import router as events_router
from events.board.api import router as board_router
from events.errors import InvalidInput, ServiceError
from events.room.api import router as room_router
from events.webpush.api import router as webpush_router
from networking.api import router as networking_router

# Answers any operation may give, whatever its router declares: a body that is not JSON (400) or too
# big (413), input that does not fit the schema (422), a client over its rate limit (429).
COMMON_ERRORS = {
    400: "The request body is not valid JSON.",
    401: "Log in, or send a valid scanner token.",
    403: "A write from another site's page (a foreign `Origin`), an organiser's session request without its CSRF "
    "token (`csrf_failed`), or an API token without the operation's scope, is refused.",
    413: "The request body is too large.",
    415: "The request body must be JSON: `Content-Type: application/json`.",
    422: "Some fields are not filled in correctly.",
    429: "Too many requests: try again after `Retry-After` seconds.",
}


CONSTRAINTS = {"minimum", "maximum", "minLength", "maxLength", "pattern", "enum", "format", "$ref", "anyOf"}


def _may_be_invalid(parameter: dict) -> bool:
    """A free text parameter cannot fail validation; a number, a choice, a bounded or required text can."""
    schema = parameter.get("schema", {})
    required_query = parameter.get("in") == "query" and parameter.get("required")
    return bool(schema.get("type") != "string" or CONSTRAINTS & schema.keys() or required_query)


class NulInText(ValueError):
    """Text with a NUL character: no person types it, and PostgreSQL cannot store or compare it."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def _refuse_nul(value, field: str = "__all__") -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise NulInText(field)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, field)
            _refuse_nul(item, str(key) if field == "__all__" else field)
    elif isinstance(value, list):
        for item in value:
            _refuse_nul(item, field)


class TextParser(Parser):
    """JSON bodies and query strings as ninja reads them, without NUL characters (422, not a 500)."""

    def parse_body(self, request: HttpRequest):
        data = super().parse_body(request)
        _refuse_nul(data)
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest):
        result = super().parse_querydict(data, list_fields, request)
        _refuse_nul(result)
        return result


WRITE_METHODS = {"post", "put", "patch", "delete"}


def from_our_site(request: HttpRequest) -> bool:
    """No Origin (not a browser: it cannot ride a visitor's cookies), or exactly ours
    (config.origins); a browser that says the request is cross-site is refused either way."""
    if request.META.get("HTTP_SEC_FETCH_SITE") == "cross-site":
        return False
    origin = request.META.get("HTTP_ORIGIN")
    return origin is None or is_our_site(origin, origin_of(f"{request.scheme}://{request.get_host()}"))


def same_site_json_writes(run):
    """A page on another site can make a browser send a "simple" request (a form, `text/plain`)
    without asking first: writes are refused unless they come from our pages or no browser, and
    a body must be JSON (which another site's page cannot send without a CORS preflight we never
    allow). Applied to each operation's `run` (ninja's "view" decorators), before its input is read."""
    operation = getattr(run, "__self__", None)
    takes_body = any(model.__ninja_param_source__ == "body" for model in getattr(operation, "models", []))

    @functools.wraps(run)
    def checked(request: HttpRequest, *args, **kwargs):
        if request.method.lower() in WRITE_METHODS:
            if not from_our_site(request):
                return _error(request, 403, "foreign_origin", _("Requests from another site are refused."))
            if takes_body and request.content_type != "application/json":
                return _error(
                    request,
                    415,
                    "unsupported_media_type",
                    _("Send the request body as JSON (application/json)."),
                )
        return run(request, *args, **kwargs)

    return checked


class API(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Declare the common error answers on every operation where they can happen."""
        schema = super().get_openapi_schema(**kwargs)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                # A bearer token is counted per token; a token without the operation's scope hears 403.
                token = False
                for requirement in operation.get("security", []):
                    if "OrganiserToken" in requirement:
                        # The scope events.auth.organiser put on the operation.
                        requirement["OrganiserToken"] = (
                            [operation["x-scope"]] if "x-scope" in operation else []
                        )
                        token = True
                codes = [429] if token or ratelimit.limits_operation(path, method, operation) else []
                if method in WRITE_METHODS or token:
                    codes.append(403)
                if "requestBody" in operation:
                    codes += [400, 413, 415, 422]
                if any(_may_be_invalid(parameter) for parameter in operation.get("parameters", [])):
                    codes.append(422)
                if operation.get("security"):
                    codes.append(401)
                for code in codes:
                    operation["responses"].setdefault(
                        code, {"description": COMMON_ERRORS[code], "content": error}
                    )
        return schema


api = API(
    parser=TextParser(),
    title="Dag van de Lokale Democratie",
    version="1",
    description="Registration, programme, check-in and networking for the Dag van de Lokale Democratie.",
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("", events_router)
api.add_router("", networking_router)
api.add_router("", checkin_router)
api.add_router("", room_router)
api.add_router("", announcements_router)
api.add_router("", board_router)
api.add_router("", webpush_router)
api.add_decorator(same_site_json_writes, mode="view")


def _error(request: HttpRequest, status: int, code: str, detail: str, errors: dict | None = None):
    return api.create_response(
        request, {"detail": detail, "code": code, "errors": errors or {}}, status=status
    )


# Fields that map ids to values: an error points at the entry, ("answers", "5", "str") → "answers.5".
KEYED_FIELDS = {"answers"}


def _field(location: tuple | list) -> str:
    """Pydantic's ("body", "payload", "workshops", 0) → "workshops": the field a form would mark."""
    parts = [str(part) for part in location if part not in ("body", "payload", "query", "path")]
    if not parts:
        return "__all__"
    # A row of a list of objects: ("members", 3, "email") → "members.3.email".
    width = 3 if len(parts) >= 3 and parts[1].isdigit() and parts[0] not in KEYED_FIELDS else 1
    if parts[width - 1] in KEYED_FIELDS and len(parts) > width:
        width += 1
    return ".".join(parts[:width])


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


def _nul_in_text(request: HttpRequest, error: NulInText):
    return _error(
        request,
        422,
        "invalid",
        _("Some fields are not filled in correctly."),
        {error.field: [_("Null characters are not allowed.")]},
    )


api.add_exception_handler(NulInText, _nul_in_text)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, error: RequestDataTooBig):
    return _error(request, 413, "too_large", _("The request is too large."))


# What ninja's session authentication (ninja.security.APIKeyCookie) raises when the CSRF token is
# missing or wrong; it has no class of its own.
NINJA_CSRF_FAILURE = "CSRF check Failed"


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError):
    if error.status_code == 403 and str(error) == NINJA_CSRF_FAILURE:
        return _error(
            request,
            403,
            "csrf_failed",
            _("The security check of this page failed: reload the page and try again."),
        )
    code = {400: "bad_request", 405: "method_not_allowed", 429: "rate_limited"}.get(
        error.status_code, "http_error"
    )
    if isinstance(error.__cause__, NulInText):  # ninja wraps what the body parser raises
        return _nul_in_text(request, error.__cause__)
    detail = str(error)
    if error.status_code == 400 and detail.startswith("Cannot parse request body"):
        detail = _("The request body is not valid JSON.")
    return _error(request, error.status_code, code, detail)
