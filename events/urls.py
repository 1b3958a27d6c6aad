from django.urls import include, path

from events import holds, views, webhook_views
from events.webpush import views as push_views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("programma/embed/", views.embed_programme, name="embed_programme"),
    path("dashboard/webhooks/", webhook_views.overview, name="webhooks"),
    path("dashboard/webhooks/<int:endpoint_id>/aan/", webhook_views.switch_on, name="webhook_switch_on"),
    path("dashboard/vastgehouden/<int:hold_id>/vrijgeven/", holds.release, name="release_hold"),
    path("aanmelden/", views.register, name="register"),
    path("aanmelden/link/", views.resend, name="resend"),
    path("aanmelden/delegatie/", views.register_delegation, name="register_delegation"),
    path("aanmelden/delegatie/bevestig/<slug:token>/", views.verify_delegation, name="verify_delegation"),
    path(
        "aanmelden/delegatie/uitnodiging/<slug:token>/",
        views.delegation_invitation,
        name="delegation_invitation",
    ),
    path("aanmelden/delegatie/<slug:token>/", views.delegation, name="delegation"),
    path("bevestig/<slug:token>/", views.verify_address, name="verify_address"),
    path("privacy/", views.privacy, name="privacy"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("r/sw.js", push_views.service_worker, name="push_service_worker"),
    path("r/<slug:token>/", views.manage, name="manage"),
    path("r/<slug:token>/badge/", views.badge_page, name="badge_page"),
    path("r/<slug:token>/annuleren/", views.cancel, name="cancel"),
    path("r/<slug:token>/antwoorden/", views.change_answers, name="change_answers"),
    path("r/<slug:token>/nieuwe-links/", views.renew_links, name="renew_links"),
    path("r/<slug:token>/gegevens.json", views.personal_data, name="personal_data"),
    path("r/<slug:token>/wissen/", views.erase, name="erase"),
    path("gewist/", views.erased, name="erased"),
    path("badge/<slug:token>.svg", views.badge_svg, name="badge_svg"),
    path("badge/<slug:token>.png", views.badge_png, name="badge_png"),
    path("ical/programme.ics", views.programme_ics, name="programme_ics"),
    path("ical/r/<slug:token>.ics", views.personal_ics, name="personal_ics"),
    path("ical/workshop/<uuid:uid>.ics", views.workshop_ics, name="workshop_ics"),
    path("", include("events.room.urls")),
    path("", include("events.board.urls")),
]
