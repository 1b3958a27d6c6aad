from django.urls import path

from events.messaging import views

app_name = "messaging"

urlpatterns = [
    path("dashboard/berichten/", views.compose, name="compose"),
    path("dashboard/berichten/afgemeld/", views.opted_out, name="opted_out"),
    path("dashboard/berichten/<int:pk>/", views.detail, name="detail"),
    path("dashboard/berichten/<int:pk>/opnieuw/", views.resend, name="resend"),
    path("dashboard/berichten/gepland/", views.scheduled, name="scheduled"),
    path("dashboard/berichten/gepland/herinnering/", views.plan_reminder, name="plan_reminder"),
    path("dashboard/berichten/gepland/<int:pk>/annuleren/", views.cancel_scheduled, name="cancel_scheduled"),
    path("berichten/afmelden/<str:token>/", views.opt_out, name="opt_out"),
    path("r/<slug:token>/berichten/", views.preferences, name="preferences"),
]
