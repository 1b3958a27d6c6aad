"""The registration desk page: an organiser finds someone by name or reference and sends their
confirmation again (issue 12 §2), with the form's CSRF token, to the address they registered with."""

import pytest
from django.core import mail
from django.test import Client

from events import services
from events.models import OutboundEmail
from tests.support import trail

pytestmark = pytest.mark.django_db


def csrf_of(client: Client) -> str:
    return client.cookies["csrftoken"].value


def test_the_desk_finds_people_by_name_and_resends_their_confirmation(
    staff_client, staff_user, make_attendee, programme, django_capture_on_commit_callbacks
):
    person = make_attendee(1, programme["raad"], first_name="Greetje")
    make_attendee(2, first_name="Kees")
    page = staff_client.get("/dashboard/bevestigingen/", {"q": "greetje"})
    html = page.content.decode()
    assert page.status_code == 200
    assert (person.reference in html, "Kees" in html, person.email in html) == (True, False, False)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = staff_client.post(
            "/dashboard/bevestigingen/opnieuw/",
            {"reference": person.reference, "q": "greetje", "csrfmiddlewaretoken": csrf_of(staff_client)},
        )
    assert (sent.status_code, sent["Location"]) == (
        302,
        f"/dashboard/bevestigingen/?q=greetje&verstuurd={person.reference}",
    )
    assert [message.to for message in mail.outbox] == [[person.email]]
    assert OutboundEmail.objects.filter(registration=person, kind="registration_confirmation").count() == 2
    assert ("registration.confirmation_resent", "dashboard", staff_user.username) in [
        (action, door, actor) for action, _object, door, actor, _changes in trail()
    ]
    after = staff_client.get(sent["Location"]).content.decode()
    assert f"De bevestiging van {person.reference} is opnieuw verstuurd." in after


def test_the_desk_sends_nothing_without_csrf_for_the_cancelled_or_the_unknown(
    staff_client, make_attendee, django_capture_on_commit_callbacks
):
    person = make_attendee(1)
    cancelled = make_attendee(2)
    services.cancel_registration(cancelled)
    staff_client.get("/dashboard/bevestigingen/")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        without_token = staff_client.post("/dashboard/bevestigingen/opnieuw/", {"reference": person.reference})
        for_cancelled = staff_client.post(
            "/dashboard/bevestigingen/opnieuw/",
            {"reference": cancelled.reference, "csrfmiddlewaretoken": csrf_of(staff_client)},
        )
        for_unknown = staff_client.post(
            "/dashboard/bevestigingen/opnieuw/",
            {"reference": "DLD-NIEMAND", "csrfmiddlewaretoken": csrf_of(staff_client)},
        )
    assert (without_token.status_code, for_cancelled.status_code, for_unknown.status_code) == (403, 409, 404)
    assert "Er is niets verstuurd" in for_cancelled.content.decode()
    assert mail.outbox == []


def test_the_desk_page_is_for_organisers_only(client, make_attendee):
    person = make_attendee(1)
    assert client.get("/dashboard/bevestigingen/", {"q": "Deelnemer"}).status_code == 302
    assert client.post("/dashboard/bevestigingen/opnieuw/", {"reference": person.reference}).status_code == 302
