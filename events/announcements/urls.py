from django.urls import path

from events.announcements import views

app_name = "announcements"

urlpatterns = [
    path("dashboard/mededelingen/", views.overview, name="overview"),
    path("dashboard/mededelingen/<int:announcement_id>/intrekken/", views.withdraw, name="withdraw"),
]
