from django.urls import path

from checkin import scanner_views, views

app_name = "checkin"

urlpatterns = [
    path("scan/", scanner_views.scan, name="scan"),
    path("scan/koppel/<str:code>/", scanner_views.pair, name="pair"),
    path("scan/manifest.webmanifest", scanner_views.manifest, name="scanner_manifest"),
    path("scan/sw.js", scanner_views.service_worker, name="scanner_service_worker"),
    path("dashboard/apparaten/", scanner_views.devices, name="devices"),
    path("dashboard/apparaten/<int:pk>/koppelen/", scanner_views.device_pairing, name="device_pairing"),
    path("dashboard/apparaten/<int:pk>/deur/", scanner_views.device_door, name="device_door"),
    path("dashboard/apparaten/<int:pk>/intrekken/", scanner_views.device_revoke, name="device_revoke"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/lijsten/", views.lists, name="exports"),
    path("dashboard/export/<slug:kind>.<slug:fmt>", views.export, name="export"),
    path("dashboard/deurlijst/<int:workshop_id>/", views.door_list, name="door_list"),
    path("dashboard/badges/", views.badge_sheet, name="badge_sheet"),
]
