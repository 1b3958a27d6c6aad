from django.urls import path

from networking import views

app_name = "networking"

urlpatterns = [
    path("netwerk/", views.signup, name="signup"),
    path("netwerk/muur/", views.wall, name="wall"),
    path("netwerk/deelnemers/", views.staff_directory, name="staff_directory"),
    path("verbind/<slug:secret>", views.connect, name="connect"),
    path("r/<slug:token>/deelnemers/", views.attendee_directory, name="directory"),
    path("r/<slug:token>/netwerken/", views.directory_profile, name="profile"),
    path("r/<slug:token>/netwerken/verbindcode.svg", views.connect_qr, name="connect_qr"),
    path("r/<slug:token>/netwerken/toestel-vergeten/", views.forget_phone, name="forget_phone"),
    path("r/<slug:token>/contacten.vcf", views.contacts_vcf, name="contacts_vcf"),
    path(
        "r/<slug:token>/contacten/<int:contact_id>/accepteren/", views.accept_contact, name="accept_contact"
    ),
    path(
        "r/<slug:token>/contacten/<int:contact_id>/verwijderen/", views.remove_contact, name="remove_contact"
    ),
]
