from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("aanmelden/", views.register, name="register"),
    path("privacy/", views.privacy, name="privacy"),
    path("r/<slug:token>/", views.manage, name="manage"),
    path("r/<slug:token>/badge/", views.badge_page, name="badge_page"),
    path("r/<slug:token>/annuleren/", views.cancel, name="cancel"),
    path("r/<slug:token>/gegevens.json", views.personal_data, name="personal_data"),
    path("r/<slug:token>/wissen/", views.erase, name="erase"),
    path("gewist/", views.erased, name="erased"),
    path("badge/<slug:token>.svg", views.badge_svg, name="badge_svg"),
    path("badge/<slug:token>.png", views.badge_png, name="badge_png"),
    path("ical/programme.ics", views.programme_ics, name="programme_ics"),
    path("ical/r/<slug:token>.ics", views.personal_ics, name="personal_ics"),
    path("ical/workshop/<uuid:uid>.ics", views.workshop_ics, name="workshop_ics"),
]
