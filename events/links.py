"""Absolute links for e-mails, calendars and API answers, and the paths of an attendee's read-only
links (calendar feed, badge image), which never carry the manage token."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """The request's own host when there is one (API answers), else SITE_URL (e-mails, feeds)."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL + path


def calendar_path(registration) -> str:
    return reverse("events:personal_ics", args=[registration.calendar_token])


def webcal_url(url: str) -> str:
    """A feed's address for "subscribe": calendar programs open webcal:// and keep following it."""
    return url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1)


def badge_image_path(registration, image: str = "svg") -> str:
    """`image`: "svg" or "png"."""
    return reverse(f"events:badge_{image}", args=[registration.badge_token])
