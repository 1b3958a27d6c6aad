"""POST /api/v1/registrations and GET /api/v1/registrations/{token}: the contract and every bad input."""

import email
import json
from io import BytesIO

import icalendar
import pytest
import zxingcpp
from django.core import mail
from PIL import Image

from events.models import Booking, OutboundEmail, Registration
from tests.conftest import post_json, registration_payload

URL = "/api/v1/registrations"


def register(api, **overrides):
    return post_json(api, URL, registration_payload(**overrides))


def test_registration_answers_with_the_contract(api, programme):
    response = register(api, workshops=[programme["raad"].pk, programme["digital"].pk])

    assert response.status_code == 201
    body = response.json()
    assert sorted(body) == ["badge_url", "ics_url", "manage_url", "reference", "status", "workshops"]
    assert body["status"] == "confirmed"
    assert body["reference"].startswith("DLD-") and len(body["reference"]) == 8
    token = body["manage_url"].rstrip("/").rsplit("/", 1)[1]
    assert body["manage_url"] == f"http://testserver/r/{token}/"
    assert body["badge_url"] == f"http://testserver/badge/{token}.svg"
    assert body["ics_url"] == f"http://testserver/ical/r/{token}.ics"
    assert [(w["id"], w["status"], w["position"]) for w in body["workshops"]] == [
        (programme["raad"].pk, "booked", None),
        (programme["digital"].pk, "booked", None),
    ]


def test_plenary_only_registration_is_allowed(api, programme):
    response = register(api, workshops=[])
    assert response.status_code == 201
    assert response.json()["workshops"] == []


def test_secrets_are_long_random_and_the_manage_token_is_stored_hashed(api, programme):
    body = register(api).json()
    token = body["manage_url"].rstrip("/").rsplit("/", 1)[1]
    registration = Registration.objects.get(reference=body["reference"])

    assert len(token) >= 32  # 24 random bytes, base64url
    assert len(registration.badge_secret) == 32  # 20 random bytes, base32: 160 bits
    assert token not in {registration.manage_token_hash, registration.badge_hash}
    assert registration.manage_token_hash == __import__("hashlib").sha256(token.encode()).hexdigest()


def test_full_workshop_puts_attendees_on_the_waitlist_in_order(api, programme):
    small = programme["small"].pk
    answers = [register(api, n=n, workshops=[small]).json()["workshops"][0] for n in range(1, 6)]

    assert [(a["status"], a["position"]) for a in answers] == [
        ("booked", None),
        ("booked", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
        ("waitlisted", 3),
    ]
    assert Booking.objects.filter(workshop_id=small, status="booked").count() == 2


def test_get_registration_by_manage_token(api, programme):
    created = register(api, workshops=[programme["raad"].pk], needs="Rolstoel", directory_opt_in=True).json()
    token = created["manage_url"].rstrip("/").rsplit("/", 1)[1]

    response = api.get(f"{URL}/{token}")

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in created} == created
    assert (body["first_name"], body["last_name"], body["email"], body["role"]) == (
        "Anna",
        "de Vries 1",
        "anna.1@amersfoort.example",
        "raadslid",
    )
    assert body["municipality"] == {"code": "GM0307", "name": "Amersfoort", "province": "Utrecht"}
    assert (body["needs"], body["directory_opt_in"]) == ("Rolstoel", True)


def test_unknown_manage_token_is_404(api, programme):
    response = api.get(f"{URL}/not-a-real-token-at-all-123456")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_confirmation_email_carries_badge_and_calendar(api, programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = register(api, workshops=[programme["raad"].pk]).json()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna.1@amersfoort.example"]
    assert body["reference"] in message.subject
    assert body["manage_url"].replace("testserver", "127.0.0.1:8000") in message.body
    html = message.alternatives[0][0]
    assert 'src="cid:badge"' in html
    parsed = email.message_from_bytes(message.message().as_bytes())
    parts = {part.get_content_type(): part for part in parsed.walk()}
    badge = Image.open(BytesIO(parts["image/png"].get_payload(decode=True)))
    registration = Registration.objects.get(reference=body["reference"])
    assert [result.text for result in zxingcpp.read_barcodes(badge)] == [f"DLD1:{registration.badge_secret}"]
    calendar = icalendar.Calendar.from_ical(parts["text/calendar"].get_payload(decode=True))
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Opening", "Sterke Raad"]
    assert OutboundEmail.objects.get().sent_at is not None
    assert OutboundEmail.objects.get().context == {}  # the manage token is not kept once sent


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"last_name": "   "}, "last_name"),
        ({"email": "geen-adres"}, "email"),
        ({"email": "a" * 250 + "@x.nl"}, "email"),
        ({"role": "koning"}, "role"),
        ({"municipality": "GM9999"}, "municipality"),
        ({"municipality": None, "organisation": ""}, "organisation"),
        ({"workshops": [999999]}, "workshops"),
        ({"workshops": ["abc"]}, "workshops"),
        ({"workshops": "not-a-list"}, "workshops"),
        ({"directory_opt_in": "misschien"}, "directory_opt_in"),
    ],
)
def test_bad_input_is_422_per_field_and_nothing_is_stored(api, programme, overrides, field):
    response = register(api, **overrides)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [field]
    assert all(isinstance(message, str) and message for message in body["errors"][field])
    assert Registration.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_missing_fields_are_each_named(api, programme):
    response = post_json(api, URL, {"workshops": []})
    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == ["email", "first_name", "last_name", "role"]


def test_two_workshops_in_one_round_is_422(api, programme):
    response = register(api, workshops=[programme["raad"].pk, programme["small"].pk])
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["workshops"]
    assert Registration.objects.count() == 0


def test_a_plenary_session_cannot_be_booked(api, programme):
    response = register(api, workshops=[programme["opening"].pk])
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["workshops"]


def test_malformed_json_is_400(api, programme):
    response = api.post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert Registration.objects.count() == 0


def test_organisation_instead_of_municipality(api, programme):
    response = register(api, municipality=None, organisation="ProDemos")
    assert response.status_code == 201
    assert Registration.objects.get().affiliation == "ProDemos"


def test_municipality_code_is_case_insensitive(api, programme):
    assert register(api, municipality="gm0363").status_code == 201
    assert Registration.objects.get().municipality_id == "GM0363"


def test_same_email_twice_is_409_whatever_the_case(api, programme):
    assert register(api).status_code == 201
    response = register(api, email="Anna.1@AMERSFOORT.example")

    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"
    assert list(response.json()["errors"]) == ["email"]
    assert Registration.objects.count() == 1


def test_registration_closed_is_409(api, programme, event):
    event.registration_closes_at = event.registration_opens_at
    event.save()
    response = register(api)
    assert response.status_code == 409
    assert response.json()["code"] == "registration_closed"


def test_full_event_is_409(api, programme, event):
    event.capacity = 1
    event.save()
    assert register(api, n=1).status_code == 201
    response = register(api, n=2)
    assert response.status_code == 409
    assert response.json()["code"] == "event_full"


def test_references_are_unique(api, programme):
    references = {register(api, n=n).json()["reference"] for n in range(1, 31)}
    assert len(references) == 30


def test_schema_declares_every_answer(api):
    schema = json.loads(api.get("/api/v1/openapi.json").content)
    post = schema["paths"]["/api/v1/registrations"]["post"]
    assert sorted(post["responses"]) == ["201", "400", "404", "409", "413", "422", "429"]
