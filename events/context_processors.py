from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from events.models import Event


def current_event(request: HttpRequest) -> dict:
    """`event` in every template, queried only when a template uses it."""
    return {"event": SimpleLazyObject(Event.objects.current)}
