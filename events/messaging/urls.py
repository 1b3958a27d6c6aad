from django.urls import path

from events.messaging import views

app_name = "messaging"

urlpatterns = [path("dashboard/berichten/", views.compose, name="compose")]
