from django.urls import path

from checkin import views

app_name = "checkin"

urlpatterns = [
    path("scan/", views.scan, name="scan"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
