"""English as the second interface language: chosen with the switch, kept on the registration, and
used for that attendee's mails and calendar. Dutch stays the default whatever the browser asks."""

import icalendar
import pytest
from django.core import mail

from events.models import Registration
from tests.factories import registration_payload
from tests.support import post_json

pytestmark = pytest.mark.django_db(transaction=True)


def test_dutch_is_the_default_whatever_the_browser_asks(client, event):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert ('<html lang="nl">' in page.content.decode(), page["Content-Language"]) == (True, "nl")


def test_the_switch_turns_the_pages_english_and_back(client, event):
    answer = client.post("/taal/", {"language": "en", "next": "/aanmelden/"})
    assert answer["Location"] == "/aanmelden/"
    page = client.get("/aanmelden/").content.decode()
    assert '<html lang="en">' in page and "First name" in page and "Nederlands" in page
    client.post("/taal/", {"language": "nl", "next": "/"})
    assert "Voornaam" in client.get("/aanmelden/").content.decode()


def test_an_english_registration_gets_english_mail_and_calendar(client, event, programme):
    programme["raad"].speakers.create(event=event, name="Ilse Bosman")
    client.post("/taal/", {"language": "en", "next": "/"})
    body = post_json(client, "/api/v1/registrations", registration_payload(workshops=[programme["raad"].pk]))
    registration = Registration.objects.get(reference=body.json()["reference"])
    assert registration.language == "en"
    (message,) = mail.outbox
    assert message.subject.startswith("Your registration for")
    assert "Dear Anna," in message.body
    feed = client.get(f"/ical/r/{registration.calendar_token}.ics", HTTP_COOKIE="")
    raad = next(
        v for v in icalendar.Calendar.from_ical(feed.content).walk("VEVENT") if "Raad" in str(v["summary"])
    )
    assert str(raad["description"]).endswith("Speakers: Ilse Bosman")


def test_the_api_takes_the_language_and_defaults_to_dutch(api, event, programme):
    dutch = post_json(api, "/api/v1/registrations", registration_payload(1)).json()
    english = post_json(api, "/api/v1/registrations", registration_payload(2, language="en")).json()
    languages = [Registration.objects.get(reference=r["reference"]).language for r in (dutch, english)]
    assert languages == ["nl", "en"]
    assert [m.subject.split(" ")[0] for m in mail.outbox] == ["Uw", "Your"]
