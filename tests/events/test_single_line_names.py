"""Names and other single-line fields of a registration hold no line breaks or other control
characters: refused at the door (API 422, a form error on the page, the admin's model check), and
what was stored before the check still makes a valid calendar and a confirmation that goes out."""

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from events import outbox
from events.ical import personal_calendar
from events.models import OutboundEmail, Registration
from tests.factories import registration_form_data as form_data
from tests.factories import registration_payload
from tests.support import post_json

MESSAGE = "Gebruik één regel, zonder tabs of andere stuurtekens."
UNREADABLE = [
    "Jan\r\nBcc: x@evil.example",
    "Jan\nJansen",
    "Jan\tJansen",
    "Jan\x85",
    "Jan\u2028",
    "\u202eJan",
    "J\x7fan",
]
FIELDS = ["first_name", "last_name", "organisation"]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("text", UNREADABLE)
def test_the_api_refuses_a_control_character_and_stores_nothing(api, programme, field, text):
    response = post_json(api, "/api/v1/registrations", registration_payload(1, **{field: text}))

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["errors"]) == ("invalid", {field: [MESSAGE]})
    assert (Registration.objects.count(), OutboundEmail.objects.count()) == (0, 0)


def test_the_api_schema_says_so(api):
    schema = api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    registration = next(value for name, value in schema.items() if name.startswith("RegistrationIn"))
    patterns = {field: registration["properties"][field].get("pattern") for field in FIELDS}
    assert set(patterns.values()) == {r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$"}


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_the_form_shows_an_error_and_stores_nothing(client, programme, field):
    response = client.post("/aanmelden/", form_data(programme, **{field: "Fatima\r\nX"}))

    assert response.status_code == 422  # the page with the form again, its errors summarised
    assert response.context["form"].errors[field] == [MESSAGE]
    assert Registration.objects.count() == 0


def test_a_line_break_at_the_ends_is_only_whitespace_on_the_form(client, programme):
    response = client.post("/aanmelden/", form_data(programme, first_name="Fatima\r\n"))
    assert response.status_code == 302
    assert Registration.objects.get().first_name == "Fatima"


def test_spaces_accents_and_joiners_are_names(api, programme):
    names = {"first_name": "Zoë-Anne", "last_name": "van ’t Hof", "organisation": "می‌خواهم"}
    response = post_json(api, "/api/v1/registrations", registration_payload(1, **names))
    assert response.status_code == 201


def test_the_model_refuses_it_in_the_admin(make_attendee, programme):
    registration = make_attendee(1, programme["raad"])
    registration.last_name = "Visser\nX"
    with pytest.raises(ValidationError) as refused:
        registration.full_clean()
    assert refused.value.message_dict == {"last_name": [MESSAGE]}


def test_a_name_stored_before_the_check_makes_a_valid_calendar_and_mail(make_attendee, programme):
    registration = make_attendee(1, programme["raad"], first_name="Lotte", last_name="Visser")
    Registration.objects.filter(pk=registration.pk).update(first_name="Lotte\r\nX-Evil: 1")
    registration.refresh_from_db()

    calendar = icalendar.Calendar.from_ical(personal_calendar(registration))
    assert str(calendar["x-wr-calname"]) == "Dag van de Lokale Democratie – Lotte  X-Evil: 1 Visser"
    assert "X-EVIL" not in calendar

    mail.outbox.clear()
    queued = outbox.queue("registration_confirmation", to=registration.email, registration=registration)
    outbox.deliver(queued.pk)  # unless the outbox delivered it on queueing already
    queued.refresh_from_db()
    assert (queued.sent_at is not None, queued.last_error, len(mail.outbox)) == (True, "", 1)
