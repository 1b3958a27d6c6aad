"""Cookies of our own that no script may read: signed, HttpOnly, SameSite=Lax, Secure over TLS."""

from django.conf import settings
from django.http import HttpResponse


def set_private_cookie(response: HttpResponse, name: str, value: str, *, salt: str, max_age: int) -> None:
    response.set_signed_cookie(
        name,
        value,
        salt=salt,
        max_age=max_age,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
