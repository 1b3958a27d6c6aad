"""Logs without secrets.

Paths carry secrets: manage tokens, calendar and badge tokens, connect codes, address verification
and pairing codes; query strings carry the scanner's name searches. daphne writes an access line
per request with the path and query string as sent (itself, to stdout, not through `logging`), and
Django logs the path of every 404 and refused form ("Not Found: /r/<token>/"). Every path on its
way to a log passes `redact`: the values of the URL's secret parameters (as config.urls names them)
and the whole query string become REDACTED; a path that matches no URL loses every run of token
characters instead (a private link with a typo after it is still a private link).

- `redact_daphne_access_log()` (called by config.asgi, which daphne imports before it starts
  serving) redacts the path of every line of daphne's access log, also under `runserver`.
- `RedactSecrets` is a logging filter (settings.LOGGING) on Django's request loggers and the console
  handler: it rewrites the paths among a record's arguments.
"""

import logging
import re
from functools import lru_cache

from django.urls import resolve

# The URL parameters that hold a secret (config.ratelimit limits their guesses by the same list).
# Defined here, not imported from config.ratelimit: the logging setup imports this module before
# the apps are loaded, and config.ratelimit needs them.
SECRET_PARAMETERS = ("token", "manage_token", "secret", "code")

REDACTED = "[redacted]"
# The shortest secret in a URL is 22 characters (128 bits in base64).
TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{20,}")
REQUEST_LINE = re.compile(r"^([A-Z]+ )(/\S*)( HTTP/[\d.]+)$")


def _secrets_in(path: str) -> list[str] | None:
    """The values of the secret parameters of the URL `path` matches; None when it matches none."""
    try:
        match = resolve(path)
    except Exception:  # Resolver404, or a path no URL pattern can even read: never fail a log line
        return None
    return [str(value) for name, value in match.kwargs.items() if name in SECRET_PARAMETERS and value]


def redact(path: str) -> str:
    """`path` (with or without its query string, percent-encoded or not) fit for a log."""
    path, question, _query = path.partition("?")
    return _redacted_path(path) + ("?" + REDACTED if question else "")


# Resolving costs some 0.1 ms, in daphne's event loop: the busy paths (a door's redeem) are known.
@lru_cache(maxsize=512)
def _redacted_path(path: str) -> str:
    secrets = _secrets_in(path) if path.startswith("/") else None
    if secrets is None:
        return TOKEN_LIKE.sub(REDACTED, path)
    segments = path.split("/")
    for secret in secrets:
        segments = [segment.replace(secret, REDACTED) for segment in segments]
    return "/".join(segments)


def _redacted_argument(value):
    if not isinstance(value, str):
        return value
    if value.startswith("/"):
        return redact(value)
    line = REQUEST_LINE.match(value)
    return f"{line[1]}{redact(line[2])}{line[3]}" if line else value


class RedactSecrets(logging.Filter):
    """Rewrites the paths among a record's arguments: a path ("Not Found: %s"), a request line
    (runserver's "GET /path HTTP/1.1"), or daphne's `details` mapping with its "path"."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            record.args = {
                key: redact(value) if key == "path" and isinstance(value, str) else _redacted_argument(value)
                for key, value in record.args.items()
            }
        elif isinstance(record.args, tuple):
            record.args = tuple(_redacted_argument(value) for value in record.args)
        return True


def redact_daphne_access_log() -> None:
    """Every line of daphne's access log (and of `runserver`'s, which daphne serves) passes
    `Server.log_action` with the request's path: redact it there, once per process."""
    from daphne.server import Server

    if getattr(Server.log_action, "redacts_secrets", False):
        return
    log_action = Server.log_action

    def redacting_log_action(self, protocol, action, details):
        if isinstance(details.get("path"), str):
            details = {**details, "path": redact(details["path"])}
        return log_action(self, protocol, action, details)

    redacting_log_action.redacts_secrets = True
    Server.log_action = redacting_log_action
