"""The organisers' admin: in Dutch with the event's name; an organiser adds a registration through
the registration service (badge, link, the confirmation mail, a proven address, the audit trail)
and sends a confirmation again."""

import pytest
from django.core import mail

from events.models import Booking, OutboundEmail, Registration
from tests.support import trail

pytestmark = pytest.mark.django_db


def add_form(event, programme, municipalities, **overrides) -> dict:
    data = {
        "event": event.pk,
        "first_name": "Greetje",
        "last_name": "de Boer",
        "email": "greetje.deboer@amersfoort.example",
        "role": "griffier",
        "municipality": municipalities["GM0307"].pk,
        "organisation": "",
        "needs": "",
        "language": "nl",
        "workshops": [programme["raad"].pk, programme["digital"].pk],
    }
    return {**data, **overrides}


def test_the_admin_carries_the_event_name_in_dutch(organiser_admin, event):
    html = organiser_admin.get("/admin/").content.decode()
    assert "Django" not in html
    assert f'<a href="/admin/">{event.name}</a>' in html
    assert f"<title>Beheer | {event.name} – beheer</title>" in html


def test_the_speakers_widget_speaks_dutch(organiser_admin):
    catalog = organiser_admin.get("/admin/jsi18n/").content.decode()
    for english, dutch in [
        ('Choose %s by selecting them and then select the \\"Choose\\" arrow button.', "Kies %s door"),
        ("Choose all %s", "Alle %s kiezen"),
        ("Remove all %s", "Alle %s verwijderen"),
    ]:
        assert f'"{english}": "{dutch}' in catalog


def test_an_organiser_adds_a_registration_through_the_service(
    organiser_admin, event, programme, municipalities, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_admin.post(
            "/admin/events/registration/add/", add_form(event, programme, municipalities)
        )
    assert response.status_code == 302
    registration = Registration.objects.get(email="greetje.deboer@amersfoort.example")
    assert response["Location"] == "/admin/events/registration/"
    assert registration.reference.startswith("DLD-")
    assert registration.address_verified  # an organiser registers a proven address
    assert sorted(registration.bookings.values_list("workshop__slug", "status")) == [
        ("digitale-participatie", Booking.Status.BOOKED),
        ("sterke-raad", Booking.Status.BOOKED),
    ]
    assert [message.to for message in mail.outbox] == [["greetje.deboer@amersfoort.example"]]
    assert "/bevestig/" not in mail.outbox[0].body  # nothing to prove
    assert [(action, door, actor) for action, _object, door, actor, _changes in trail()] == [
        ("registration.created", "admin", staff_user.username)
    ]


def test_a_refused_registration_shows_the_form_again_and_stores_nothing(
    organiser_admin, event, programme, municipalities
):
    two_in_one_round = add_form(
        event, programme, municipalities, workshops=[programme["raad"].pk, programme["small"].pk]
    )
    response = organiser_admin.post("/admin/events/registration/add/", two_in_one_round)
    assert response.status_code == 200
    assert "Kies per ronde hoogstens één workshop." in response.content.decode()
    assert Registration.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_an_organiser_sends_the_confirmation_again(
    organiser_admin, make_attendee, programme, staff_user, django_capture_on_commit_callbacks
):
    person = make_attendee(1, programme["raad"], by_organiser=True)
    cancelled = make_attendee(2, by_organiser=True)
    organiser_admin.post(
        "/admin/events/registration/", {"action": "cancel_registrations", "_selected_action": [cancelled.pk]}
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_admin.post(
            "/admin/events/registration/",
            {"action": "resend_confirmations", "_selected_action": [person.pk, cancelled.pk]},
            follow=True,
        )
    html = response.content.decode()
    assert "Bevestiging opnieuw in de wachtrij gezet voor 1 aanmelding." in html
    assert [message.to for message in mail.outbox] == [[person.email]]
    assert OutboundEmail.objects.filter(registration=person, kind="registration_confirmation").count() == 2
    assert ("registration.confirmation_resent", "admin", staff_user.username) in [
        (action, door, actor) for action, _object, door, actor, _changes in trail()
    ]


def test_a_resent_confirmation_renews_the_verification_link_of_an_unproven_address(
    organiser_admin, make_attendee, django_capture_on_commit_callbacks
):
    person = make_attendee(1)
    first_hash = Registration.objects.get(pk=person.pk).address_token_hash
    with django_capture_on_commit_callbacks(execute=True):
        organiser_admin.post(
            "/admin/events/registration/", {"action": "resend_confirmations", "_selected_action": [person.pk]}
        )
    assert Registration.objects.get(pk=person.pk).address_token_hash not in ("", first_hash)
    assert "/bevestig/" in mail.outbox[-1].body
