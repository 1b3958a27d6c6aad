"""Pages in the room (names in the events namespace)."""

from django.urls import path

from events.room import views

urlpatterns = [
    path("zaal/", views.enter, name="room_enter"),
    path("zaal/sessies/", views.overview, name="room_overview"),
    path("zaal/moderator/<slug:token>/", views.moderator, name="room_moderator"),
    path("zaal/<slug:room_code>/", views.session, name="room_session"),
    path("zaal/<slug:room_code>/scherm/", views.screen, name="room_screen"),
    path("zaal/<slug:room_code>/moderator/", views.organiser_moderator, name="room_organiser_moderator"),
    path("r/<slug:token>/zaal/", views.vote_enter, name="room_vote_enter"),
    path("r/<slug:token>/zaal/<slug:room_code>/", views.vote_page, name="room_vote"),
]
