"""The mails on the wire: registered, changed and cancelled through the API, and a message to a
group, each sent by the outbox through Django's SMTP backend to a real SMTP server on 127.0.0.1
(tests/smtp.py) and read back from the bytes that arrived: the headers, the MIME structure, the
badge's QR code, the calendar file and the links in it."""

import json
import re
from email.message import EmailMessage
from io import BytesIO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import zxingcpp
from django.conf import settings
from django.test import Client
from PIL import Image

from events.ical import UID_DOMAIN
from events.messaging import services as messaging
from events.messaging.services import Audience
from events.models import Registration
from tests.factories import registration_payload
from tests.support import post_json

URL = "/api/v1/registrations"
REPLY_TO = "griffie@amersfoort.example"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def part(message: EmailMessage, content_type: str) -> EmailMessage:
    [found] = [each for each in message.walk() if each.get_content_type() == content_type]
    return found


def calendar_of(message: EmailMessage) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(part(message, "text/calendar").get_content())


def links(text: str) -> set[str]:
    return set(re.findall(r"http://127\.0\.0\.1:8000/[^\s\"<>]+", text))


def register(api: Client, capture, **payload) -> tuple[Registration, str]:
    with capture(execute=True):
        response = post_json(api, URL, registration_payload(**payload))
    assert response.status_code == 201
    body = response.json()
    return Registration.objects.get(reference=body["reference"]), body["manage_url"].rsplit("/", 2)[1]


def only_arrival(smtp_server) -> EmailMessage:
    [arrival] = smtp_server.arrivals
    smtp_server.clear()
    return arrival.message()


def test_the_confirmation_as_it_arrives(
    api, event, programme, smtp_server, django_capture_on_commit_callbacks
):
    event.contact_email = REPLY_TO
    event.save()
    registration, token = register(api, django_capture_on_commit_callbacks, workshops=[programme["raad"].pk])

    [arrival] = smtp_server.arrivals
    message = arrival.message()
    assert (arrival.sender, arrival.recipients) == ("noreply@example.org", ["anna.1@amersfoort.example"])
    assert (message["From"], message["To"], message["Reply-To"]) == (
        settings.DEFAULT_FROM_EMAIL,
        "anna.1@amersfoort.example",
        REPLY_TO,
    )
    assert (
        message["Subject"] == f"Uw aanmelding voor de Dag van de Lokale Democratie ({registration.reference})"
    )
    assert message["Auto-Submitted"] == "auto-generated"
    assert [each.get_content_type() for each in message.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "image/png",
    ]

    badge = part(message, "image/png")
    assert (badge["Content-ID"], badge.get_filename()) == ("<badge>", f"badge-{registration.reference}.png")
    qr = zxingcpp.read_barcodes(Image.open(BytesIO(badge.get_content())))
    assert [result.text for result in qr] == [f"DLD1:{registration.badge_secret}"]
    html = part(message, "text/html").get_content()
    assert 'src="cid:badge"' in html

    calendar = calendar_of(message)
    assert str(calendar["METHOD"]) == "PUBLISH"
    day = [programme["opening"], programme["raad"]]
    vevents = calendar.walk("VEVENT")
    assert [str(vevent["UID"]) for vevent in vevents] == [f"{workshop.uid}@{UID_DOMAIN}" for workshop in day]
    assert [(vevent["DTSTART"].dt, vevent["DTSTART"].dt.tzinfo.key) for vevent in vevents] == [
        (workshop.round.starts_at, "Europe/Amsterdam") for workshop in day
    ]
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]

    manage_url = f"http://127.0.0.1:8000/r/{token}/"
    text = part(message, "text/plain").get_content()
    assert manage_url in links(text) and manage_url in links(html)
    page = Client().get(urlsplit(manage_url).path)
    assert (page.status_code, registration.reference in page.content.decode()) == (200, True)


def test_a_change_carries_the_updated_calendar(
    api, programme, smtp_server, django_capture_on_commit_callbacks
):
    raad, small = programme["raad"], programme["small"]
    _registration, token = register(api, django_capture_on_commit_callbacks, workshops=[raad.pk])
    before = {
        str(vevent["UID"]): int(vevent["SEQUENCE"])
        for vevent in calendar_of(only_arrival(smtp_server)).walk("VEVENT")
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(
            f"{URL}/{token}", json.dumps({"workshops": [small.pk]}), content_type="application/json"
        )

    assert response.status_code == 200
    message = only_arrival(smtp_server)
    assert message["Subject"].startswith("Uw programma is gewijzigd")
    after = {
        str(vevent["UID"]): (int(vevent["SEQUENCE"]), str(vevent["STATUS"]))
        for vevent in calendar_of(message).walk("VEVENT")
    }
    uid = {workshop: f"{workshop.uid}@{UID_DOMAIN}" for workshop in (programme["opening"], raad, small)}
    assert after == {
        uid[programme["opening"]]: (before[uid[programme["opening"]]] + 1, "CONFIRMED"),
        uid[small]: (before[uid[raad]] + 1, "CONFIRMED"),
        uid[raad]: (before[uid[raad]] + 1, "CANCELLED"),  # out of their calendar
    }


def test_a_cancellation_takes_everything_out_of_the_calendar(
    api, programme, smtp_server, django_capture_on_commit_callbacks
):
    registration, token = register(api, django_capture_on_commit_callbacks, workshops=[programme["raad"].pk])
    smtp_server.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"{URL}/{token}").status_code == 200

    message = only_arrival(smtp_server)
    assert message["Subject"] == f"Uw aanmelding is geannuleerd ({registration.reference})"
    calendar = calendar_of(message)
    # An imported file, not an iTIP request (no organiser to reply to): PUBLISH, and each appointment
    # under its own UID as STATUS:CANCELLED, which calendar programs remove.
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert sorted((str(vevent["SUMMARY"]), str(vevent["STATUS"])) for vevent in calendar.walk("VEVENT")) == [
        ("Opening", "CANCELLED"),
        ("Sterke Raad", "CANCELLED"),
    ]


def test_a_group_message_its_opt_out_and_the_mails_that_still_come(
    api, event, programme, smtp_server, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    registration, token = register(api, capture, workshops=[programme["raad"].pk])
    smtp_server.clear()

    with capture(execute=True):
        messaging.send_to_group(event, subject="Nieuws", body="Welkom in **Amersfoort**", audience=Audience())

    message = only_arrival(smtp_server)
    assert (message["To"], message["Subject"]) == ("anna.1@amersfoort.example", "Nieuws")
    # The long header arrives folded onto a second line: what it holds starts after the whitespace.
    [unsubscribe] = re.fullmatch(r"<([^>]+)>", message["List-Unsubscribe"].strip()).groups()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = part(message, "text/html").get_content()
    assert "<strong>Amersfoort</strong>" in html
    assert unsubscribe in links(part(message, "text/plain").get_content()) and unsubscribe in links(html)
    assert token not in unsubscribe

    # The mail program's one-click POST (RFC 8058): no page visit, no CSRF token.
    answer = Client(enforce_csrf_checks=True).post(
        urlsplit(unsubscribe).path, {"List-Unsubscribe": "One-Click"}
    )
    assert (answer.status_code, messaging.opted_out(registration)) == (200, True)
    other, _token = register(api, capture, n=2, workshops=[programme["raad"].pk])
    smtp_server.clear()

    with capture(execute=True):
        messaging.send_to_group(event, subject="Nog meer nieuws", body="Borrel", audience=Audience())
        messaging.send_to_group(
            event, subject="Zaal gewijzigd", body="Zaal 5", audience=Audience(), practical=True
        )
        api.patch(
            f"{URL}/{token}",
            json.dumps({"workshops": [programme["small"].pk]}),
            content_type="application/json",
        )

    assert sorted((arrival.recipients, arrival.message()["Subject"]) for arrival in smtp_server.arrivals) == [
        ([registration.email], f"Uw programma is gewijzigd ({registration.reference})"),
        ([registration.email], "Zaal gewijzigd"),
        ([other.email], "Nog meer nieuws"),
        ([other.email], "Zaal gewijzigd"),
    ]
