from django.urls import path

from events.certificates import views

app_name = "certificates"

urlpatterns = [
    path("r/<slug:token>/certificaat.pdf", views.download, name="download"),
    path("r/<slug:token>/certificaat/mail/", views.send, name="send"),
    path("certificaat/<str:code>/", views.verify, name="verify"),
]
