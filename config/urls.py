from django.contrib import admin
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.i18n import set_language

from config.api import api

urlpatterns = [
    path("taal/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("checkin.urls")),
    path("", include("networking.urls")),
    path("", include("events.feedback.urls")),
    path("", include("events.certificates.urls")),
    path("", include("events.announcements.urls")),
    path("", include("events.messaging.urls")),
    path("", include("events.urls")),
]


def bad_request(request: HttpRequest, exception: Exception | None = None):
    """A form post over DATA_UPLOAD_MAX_MEMORY_SIZE is 413, with a message; other bad requests as Django."""
    if isinstance(exception, RequestDataTooBig):
        message = _("The request is too large.")
        return HttpResponse(f"<!doctype html><title>413</title><h1>{message}</h1>", status=413)
    return defaults.bad_request(request, exception)


handler400 = bad_request
