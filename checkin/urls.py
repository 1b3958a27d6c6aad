from django.urls import path

from checkin import desk_views, scanner_views, self_views, views

app_name = "checkin"

urlpatterns = [
    path("scan/", scanner_views.scan, name="scan"),
    path("scan/koppel/", scanner_views.pair_typed, name="pair_typed"),
    path("scan/koppel/<str:code>/", scanner_views.pair, name="pair"),
    path("scan/manifest.webmanifest", scanner_views.manifest, name="scanner_manifest"),
    path("scan/sw.js", scanner_views.service_worker, name="scanner_service_worker"),
    path("dashboard/apparaten/", scanner_views.devices, name="devices"),
    path("dashboard/apparaten/reeks/", scanner_views.devices_bulk, name="devices_bulk"),
    path("dashboard/apparaten/<int:pk>/koppelen/", scanner_views.device_pairing, name="device_pairing"),
    path("dashboard/apparaten/<int:pk>/deur/", scanner_views.device_door, name="device_door"),
    path("dashboard/apparaten/<int:pk>/intrekken/", scanner_views.device_revoke, name="device_revoke"),
    path("balie/", desk_views.desk, name="desk"),
    path("balie/opnieuw/", desk_views.reprint, name="desk_reprint"),
    path("balie/inloop/", desk_views.walk_in, name="desk_walk_in"),
    path("balie/corrigeren/", desk_views.correct, name="desk_correct"),
    path("balie/opnieuw-sturen/", desk_views.resend, name="desk_resend"),
    path("balie/telefonisch/", desk_views.phone_in, name="desk_phone_in"),
    path("balie/telefonisch/<str:reference>/", desk_views.phoned_in, name="desk_phoned_in"),
    path("zelf/", self_views.self_checkin, name="self_checkin"),
    path("zelf/opnieuw/", self_views.self_reprint, name="self_reprint"),
    path("r/<slug:token>/badge-kwijt/", desk_views.lost_badge, name="lost_badge"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/bevestigingen/", views.confirmations, name="confirmations"),
    path("dashboard/bevestigingen/opnieuw/", views.resend_confirmation, name="resend_confirmation"),
    path("dashboard/lijsten/", views.lists, name="exports"),
    path("dashboard/export/<slug:kind>.<slug:fmt>", views.export, name="export"),
    path("dashboard/deurlijst/<int:workshop_id>/", views.door_list, name="door_list"),
    path("dashboard/badges/", views.badge_sheet, name="badge_sheet"),
    path("dashboard/geschiedenis/", views.history, name="history"),
]
