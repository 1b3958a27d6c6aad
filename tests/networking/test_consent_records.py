"""Consent records with their time: the municipality signup's consent on its contact, and the
directory profile kept only while its owner is listed."""

from django.utils import timezone

from events.models import Registration
from networking.models import DirectoryProfile, SignupContact
from tests.factories import SIGNUP_URL, registration_payload, signup_form_data, signup_payload
from tests.support import post_json


def test_signup_page_records_when_consent_was_given(client, offers, municipalities):
    before = timezone.now()
    response = client.post("/netwerk/", signup_form_data())

    assert response.status_code == 200
    times = list(SignupContact.objects.values_list("consent_given_at", flat=True))
    assert len(times) == 2  # one contact per offer signed up for
    assert all(before <= moment <= timezone.now() for moment in times)


def test_signup_page_without_consent_stores_nothing(client, offers, municipalities):
    response = client.post("/netwerk/", signup_form_data(consent=""))

    assert response.status_code == 422
    assert SignupContact.objects.count() == 0


def test_api_signup_records_consent_only_when_given(api, offers, municipalities):
    post_json(api, SIGNUP_URL, signup_payload(offers=["quick-scan"]))
    assert list(SignupContact.objects.values_list("consent_given_at", flat=True)) == [None]

    post_json(api, SIGNUP_URL, signup_payload(offers=["quick-scan"], consent=True))
    contact = SignupContact.objects.get()
    assert contact.consent_given_at is not None

    first = contact.consent_given_at
    post_json(api, SIGNUP_URL, signup_payload(offers=["quick-scan"], consent=True))
    contact.refresh_from_db()
    assert contact.consent_given_at == first  # the record says when it was first given


def test_api_consent_must_be_a_boolean(api, offers, municipalities):
    response = post_json(api, SIGNUP_URL, signup_payload(consent="misschien"))

    assert response.status_code == 422
    assert SignupContact.objects.count() == 0


def test_a_directory_profile_is_not_kept_without_the_directory(api, event):
    response = post_json(
        api,
        "/api/v1/registrations",
        registration_payload(
            directory_opt_in=False, interests=["inwoners-betrekken"], talk_about="Burgerberaden"
        ),
    )

    assert response.status_code == 201
    assert Registration.objects.count() == 1
    assert DirectoryProfile.objects.count() == 0
