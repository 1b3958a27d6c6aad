from django.contrib.auth import get_user_model
from django.test import RequestFactory

from events.presence import Presence, in_person


def test_an_organiser_is_there_in_person(db):
    request = RequestFactory().get("/")
    request.user = get_user_model().objects.create_user("ilse", is_staff=True)
    assert in_person(request) == Presence(kind="organiser", label="ilse")


def test_an_unknown_client_is_not(db):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert in_person(request) is None
