from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("checkin.urls")),
    path("", include("networking.urls")),
    path("", include("events.urls")),
]
