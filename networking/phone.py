"""Whose phone this is: a connect code scanned with it is a request from that attendee.

The attendee marks a browser as theirs with "Use this phone" on their own page (a same-site POST
with its CSRF token); a link or an image on another site cannot, so nobody can make a phone send
requests in someone else's name. The cookie is signed and httpOnly and holds their manage token.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PHONE_COOKIE = "dld_phone"
PHONE_COOKIE_SALT = "networking.phone"
PHONE_COOKIE_AGE = 60 * 60 * 24 * 60


def phone_token(request: HttpRequest) -> str:
    """The manage token of whoever marked this browser as theirs, or ""."""
    return request.get_signed_cookie(PHONE_COOKIE, default="", salt=PHONE_COOKIE_SALT, max_age=PHONE_COOKIE_AGE)


def remember_phone(response: HttpResponse, token: str) -> None:
    response.set_signed_cookie(
        PHONE_COOKIE,
        token,
        salt=PHONE_COOKIE_SALT,
        max_age=PHONE_COOKIE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def forget_phone(response: HttpResponse) -> None:
    response.delete_cookie(PHONE_COOKIE, samesite="Lax")
