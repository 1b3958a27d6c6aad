"""Absolute links for e-mails, calendars and API answers."""

from django.conf import settings
from django.http import HttpRequest


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """The request's own host when there is one (API answers), else SITE_URL (e-mails, feeds)."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL + path
