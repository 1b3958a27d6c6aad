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
from tests.factories import registration_payload
from tests.support import post_json

URL = "/api/v1/registrations"


def register(api, **overrides):
    return post_json(api, URL, registration_payload(**overrides))


def test_registration_answers_with_the_contract(api, programme):
    response = register(api, workshops=[programme["raad"].pk, programme["digital"].pk])

    assert response.status_code == 201
    body = response.json()
    assert sorted(body) == [
        "address_verified",
        "badge_url",
        "ics_url",
        "manage_url",
        "reference",
        "status",
        "workshops",
    ]
    assert (body["status"], body["address_verified"]) == ("confirmed", False)
    assert body["reference"].startswith("DLD-") and len(body["reference"]) == 8
    token = body["manage_url"].rstrip("/").rsplit("/", 1)[1]
    assert body["manage_url"] == f"http://testserver/r/{token}/"
    # Read-only links carry their own tokens: the manage token can change, cancel and erase.
    registration = Registration.objects.get(reference=body["reference"])
    assert body["badge_url"] == f"http://testserver/badge/{registration.badge_token}.svg"
    assert body["ics_url"] == f"http://testserver/ical/r/{registration.calendar_token}.ics"
    assert token not in body["badge_url"] + body["ics_url"]
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


def test_a_known_address_gets_the_same_answer_as_a_new_one(api, programme):
    """No oracle: a second registration with an address (in any case) is answered like the first;
    it stays unproven until the owner of the mailbox confirms one of them."""
    first = register(api)
    second = register(api, email="Anna.1@AMERSFOORT.example")

    assert (first.status_code, second.status_code) == (201, 201)
    assert sorted(first.json()) == sorted(second.json())
    assert (second.json()["status"], second.json()["address_verified"]) == ("confirmed", False)
    assert Registration.objects.count() == 2


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
    assert sorted(post["responses"]) == ["201", "400", "403", "404", "409", "413", "415", "422", "429"]


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
    ],
)
def test_a_body_that_is_not_declared_json_is_415_and_nothing_is_stored(api, programme, content_type):
    response = api.post(URL, data=json.dumps(registration_payload()), content_type=content_type)
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "http://testserver:8080", "https://testserver", "null"]
)
def test_a_write_from_another_site_is_403_and_nothing_is_stored(api, programme, origin):
    # A page elsewhere can send this as a "simple" request, without a CORS preflight.
    response = api.post(
        URL, data=json.dumps(registration_payload()), content_type="text/plain", HTTP_ORIGIN=origin
    )
    assert (response.status_code, response.json()["code"]) == (403, "foreign_origin")
    assert post_json(api, URL, registration_payload(), HTTP_ORIGIN=origin).status_code == 403
    assert Registration.objects.count() == 0


def test_a_cross_site_fetch_is_refused_whatever_it_claims(api, programme):
    response = post_json(api, URL, registration_payload(), HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403


def test_our_own_pages_and_clients_without_a_browser_may_write(api, programme, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://aanmelden.example.nl"]
    answers = [
        post_json(api, URL, registration_payload(1), HTTP_ORIGIN="http://testserver").status_code,
        post_json(api, URL, registration_payload(2), HTTP_ORIGIN="https://aanmelden.example.nl").status_code,
        post_json(api, URL, registration_payload(3), HTTP_SEC_FETCH_SITE="same-origin").status_code,
        api.post(
            URL, data=json.dumps(registration_payload(4)), content_type="application/json; charset=utf-8"
        ).status_code,
        post_json(api, URL, registration_payload(5)).status_code,  # a script: no Origin
    ]
    assert answers == [201] * 5


def test_api_writes_compare_origins_as_the_sockets_do(api, programme, settings):
    """One rule for both (config.origins): the port spelled out or not, the case of the letters."""
    settings.CSRF_TRUSTED_ORIGINS = ["https://aanmelden.example.nl"]
    origins = [
        "http://testserver:80",
        "HTTP://TestServer",
        "https://aanmelden.example.nl:443",
        "http://aanmelden.example.nl",
    ]
    answers = [
        post_json(api, URL, registration_payload(n), HTTP_ORIGIN=origin).status_code
        for n, origin in enumerate(origins, start=1)
    ]
    assert answers == [201, 201, 201, 403]


def test_a_cancellation_from_another_site_is_refused(api, programme):
    token = register(api).json()["manage_url"].rstrip("/").rsplit("/", 1)[-1]
    refused = api.delete(f"{URL}/{token}", HTTP_ORIGIN="https://evil.example")
    assert refused.status_code == 403
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    assert api.delete(f"{URL}/{token}").status_code in (200, 204)
