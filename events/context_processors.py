from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from events.announcements import live as announcements_live
from events.models import Event


def current_event(request: HttpRequest) -> dict:
    """`event` in every template, and the announcements shown now; each queried only when a
    template uses it."""
    event = SimpleLazyObject(Event.objects.current)
    return {"event": event, "announcements": SimpleLazyObject(lambda: _announcements(event))}


def _announcements(event) -> list[dict]:
    return announcements_live.active(event.pk) if event else []
