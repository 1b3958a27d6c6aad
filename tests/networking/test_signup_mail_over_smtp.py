"""The network signup's confirmation on the wire (tests/smtp.py): sent through the API and the
outbox to a real SMTP server, read back from the bytes: headers, a plain-text mail, and its private
and proof links, which open."""

import re
from urllib.parse import urlsplit

from django.test import Client

from networking.models import Signup
from tests.support import post_json

REPLY_TO = "griffie@amersfoort.example"


def test_the_signup_confirmation_as_it_arrives(
    api, event, offers, municipalities, smtp_server, django_capture_on_commit_callbacks
):
    event.contact_email = "netwerk@dld.example"
    event.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(
            api,
            "/api/v1/signups",
            {
                "municipality": "GM0307",
                "contact_name": "Karin de Griffier",
                "contact_email": REPLY_TO,
                "offers": ["quick-scan"],
            },
        )

    assert response.status_code == 201
    [arrival] = smtp_server.arrivals
    message = arrival.message()
    reference = Signup.objects.get().reference
    assert (arrival.recipients, message["To"], message["Reply-To"]) == (
        [REPLY_TO],
        REPLY_TO,
        "netwerk@dld.example",
    )
    assert message["Subject"] == f"Amersfoort aangemeld bij Democratie in Actie ({reference})"
    assert [part.get_content_type() for part in message.walk()] == ["text/plain"]
    links = re.findall(r"http://127\.0\.0\.1:8000(/netwerk/[^\s]+/)", message.get_content())
    assert sorted(path.split("/")[2] for path in links) == ["aanmelding", "bevestig"]
    for path in links:
        assert Client().get(urlsplit(path).path).status_code == 200
