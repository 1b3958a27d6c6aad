from django.urls import path

from networking import views
from networking.meetings import views as meeting_views

app_name = "networking"

urlpatterns = [
    path("netwerk/", views.signup, name="signup"),
    path("netwerk/muur/", views.wall, name="wall"),
    path("netwerk/kaart/", views.network_map, name="map"),
    path("netwerk/bevestig/<slug:token>/", views.verify_signup_address, name="verify_address"),
    path("netwerk/aanmelding/<slug:token>/", views.manage_signup, name="manage"),
    path(
        "netwerk/aanmelding/<slug:token>/contacten/<int:contact_id>/accepteren/",
        views.accept_signup_contact,
        name="accept_signup_contact",
    ),
    path("netwerk/aanmelding/<slug:token>/intake/", views.book_signup_intake, name="book_signup_intake"),
    path(
        "netwerk/aanmelding/<slug:token>/intake/<int:intake_id>/annuleren/",
        views.cancel_signup_intake,
        name="cancel_signup_intake",
    ),
    path(
        "netwerk/aanmelding/<slug:token>/afmelden/<slug:slug>/", views.withdraw_signup, name="withdraw_signup"
    ),
    path("netwerk/deelnemers/", views.staff_directory, name="staff_directory"),
    path("verbind/<slug:secret>", views.connect, name="connect"),
    path("r/<slug:token>/deelnemers/", views.attendee_directory, name="directory"),
    path("r/<slug:token>/netwerken/", views.directory_profile, name="profile"),
    path("r/<slug:token>/netwerken/verbindcode.svg", views.connect_qr, name="connect_qr"),
    path("r/<slug:token>/netwerken/dit-toestel/", views.use_phone, name="use_phone"),
    path("r/<slug:token>/netwerken/toestel-vergeten/", views.forget_this_phone, name="forget_phone"),
    path("r/<slug:token>/contacten.vcf", views.contacts_vcf, name="contacts_vcf"),
    path(
        "r/<slug:token>/contacten/<int:contact_id>/accepteren/", views.accept_contact, name="accept_contact"
    ),
    path(
        "r/<slug:token>/contacten/<int:contact_id>/verwijderen/", views.remove_contact, name="remove_contact"
    ),
    path("r/<slug:token>/gesprekken/", meeting_views.meetings, name="meetings"),
    path("r/<slug:token>/gesprekken/intake/", meeting_views.book_intake, name="book_intake"),
    path(
        "r/<slug:token>/gesprekken/intake/<int:intake_id>/annuleren/",
        meeting_views.cancel_intake,
        name="cancel_intake",
    ),
    path(
        "r/<slug:token>/gesprekken/aanvragen/<int:registration_id>/",
        meeting_views.request_meeting,
        name="request_meeting",
    ),
    path(
        "r/<slug:token>/gesprekken/<int:meeting_id>/accepteren/",
        meeting_views.accept_meeting,
        name="accept_meeting",
    ),
    path(
        "r/<slug:token>/gesprekken/<int:meeting_id>/afwijzen/",
        meeting_views.decline_meeting,
        name="decline_meeting",
    ),
    path(
        "r/<slug:token>/gesprekken/<int:meeting_id>/ander-moment/",
        meeting_views.propose_slot,
        name="propose_slot",
    ),
    path(
        "r/<slug:token>/gesprekken/<int:meeting_id>/annuleren/",
        meeting_views.cancel_meeting,
        name="cancel_meeting",
    ),
]
