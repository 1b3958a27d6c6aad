"""The planning board (names in the events namespace)."""

from django.urls import path

from events.board import views

urlpatterns = [
    path("planning/", views.board, name="planning_board"),
]
