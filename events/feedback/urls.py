from django.urls import path

from events.feedback import views

app_name = "feedback"

urlpatterns = [
    path("r/<slug:token>/feedback/<int:workshop_id>/", views.give, name="give"),
    path("dashboard/feedback/", views.overview, name="overview"),
    path("dashboard/feedback/<int:workshop_id>/", views.workshop_results, name="results"),
    path("spreker/<slug:token>/", views.speaker, name="speaker"),
]
