from django.urls import path

from checkin import views

app_name = "checkin"

urlpatterns = [
    path("scan/", views.scan, name="scan"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/lijsten/", views.lists, name="exports"),
    path("dashboard/export/<slug:kind>.<slug:fmt>", views.export, name="export"),
    path("dashboard/deurlijst/<int:workshop_id>/", views.door_list, name="door_list"),
    path("dashboard/badges/", views.badge_sheet, name="badge_sheet"),
]
