"""Organisers' personal API tokens: made (the secret shown once), used, revoked."""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events import audit
from events.errors import InvalidInput
from events.models import ApiToken, Event, secret_hash

TOKEN_PREFIX = "dld_"  # noqa: S105 (a marker, not a secret)
DEFAULT_LIFETIME = datetime.timedelta(days=90)
LONGEST_LIFETIME = datetime.timedelta(days=366)
# A token's last use is written at most this often: a script polling every second costs no writes.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def _log(token: ApiToken, action: str, **data) -> None:
    """The trail belongs to an edition; tokens outlive editions, so their entries go to the current one."""
    event = Event.objects.current()
    if event is not None:
        audit.log(token, action, event=event, data=data)


def check_api_token(*, name: str, scopes: list[str], expires_at: datetime.datetime) -> None:
    """Raise InvalidInput unless a token can be made like this (for forms, before they save)."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the token a name.")]
    unknown = sorted(set(scopes) - set(ApiToken.Scope.values))
    if unknown:
        errors["scopes"] = [_("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(unknown)}]
    elif not scopes:
        errors["scopes"] = [_("Choose at least one scope.")]
    now = timezone.now()
    if not now < expires_at <= now + LONGEST_LIFETIME:
        errors["expires_at"] = [_("The token must expire in the future, within a year.")]
    if errors:
        raise InvalidInput(errors)


def create_api_token(
    user, *, name: str, scopes: list[str], expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token of `user` for `scopes`; (token, its secret). The secret is not stored: show it now."""
    now = timezone.now()
    expires_at = expires_at or now + DEFAULT_LIFETIME
    check_api_token(name=name, scopes=scopes, expires_at=expires_at)
    name = name.strip()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ordered = [scope for scope in ApiToken.Scope.values if scope in scopes]
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            scopes=ordered,
            token_hash=secret_hash(secret),
            created_at=now,
            expires_at=expires_at,
        )
        _log(token, "api_token.created", scopes=", ".join(ordered))
    return token, secret


def revoke_api_token(token: ApiToken) -> bool:
    """Stop the token working at once; False if it already was revoked."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            token.refresh_from_db(fields=["revoked_at"])
            _log(token, "api_token.revoked")
    return bool(revoked)


def authenticate_api_token(secret: str) -> ApiToken | None:
    """The usable token behind a bearer secret (asked of the database each time: a revoked token
    stops at once), its last use noted."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.usable().select_related("user").filter(token_hash=secret_hash(secret)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
