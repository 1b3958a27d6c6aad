"""The attendee page's service worker: served from /r/ so that its scope is the attendee's pages
(it only shows pushed notifications; it keeps nothing offline)."""

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse


def service_worker(request: HttpRequest) -> HttpResponse:
    with open(finders.find("events/push-sw.js"), encoding="utf-8") as file:
        script = file.read()
    response = HttpResponse(script, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"  # updates arrive
    return response
