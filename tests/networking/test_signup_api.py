"""POST /api/v1/signups and GET /api/v1/offers: the contract, duplicates and every bad input."""

import pytest
from django.core import mail

from networking.models import Signup, SignupContact
from tests.conftest import post_json
from tests.networking.conftest import make_municipalities

URL = "/api/v1/signups"


def payload(**overrides) -> dict:
    data = {
        "municipality": "GM0307",
        "contact_name": "Karin de Griffier",
        "contact_email": "griffie@amersfoort.example",
        "offers": ["quick-scan", "netwerk-digitale-democratie"],
    }
    data.update(overrides)
    return data


def test_signup_answers_with_the_contract(api, offers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(api, URL, payload(contact_role="griffier"))

    assert response.status_code == 201
    body = response.json()
    assert sorted(body) == ["municipality", "offers", "reference"]
    assert body["reference"].startswith("DIA-") and len(body["reference"]) == 9
    assert body["municipality"] == {"code": "GM0307", "name": "Amersfoort", "province": "Utrecht"}
    # In the offers' display order, whatever order they were asked in.
    assert [(o["slug"], o["status"], o["position"], o["new"]) for o in body["offers"]] == [
        ("netwerk-digitale-democratie", "accepted", None, True),
        ("quick-scan", "accepted", None, True),
    ]
    contacts = list(SignupContact.objects.values_list("name", "email", "role"))
    assert contacts == [("Karin de Griffier", "griffie@amersfoort.example", "griffier")] * 2


def test_offers_list_counts_places(api, offers, municipalities):
    post_json(api, URL, payload(offers=["quick-scan"]))
    post_json(api, URL, payload(municipality="GM0363", offers=["quick-scan", "ontwikkeltraject"]))

    body = api.get("/api/v1/offers").json()

    assert [(o["slug"], o["places"], o["taken"], o["waitlisted"], o["places_left"]) for o in body] == [
        ("netwerk-digitale-democratie", None, 0, 0, None),
        ("quick-scan", 50, 2, 0, 48),
        ("ontwikkeltraject", 10, 1, 0, 9),
        ("raadsondersteuning", 20, 0, 0, 20),
    ]


def test_full_offer_waitlists_in_order(api, offers, municipalities):
    extra = make_municipalities(12)
    answers = [
        post_json(
            api,
            URL,
            payload(municipality=m.code, contact_email=f"c{i}@x.example", offers=["ontwikkeltraject"]),
        )
        for i, m in enumerate(extra)
    ]

    statuses = [(a.json()["offers"][0]["status"], a.json()["offers"][0]["position"]) for a in answers]
    assert statuses == [("accepted", None)] * 10 + [("waitlisted", 1), ("waitlisted", 2)]


def test_second_contact_joins_the_same_signup(api, offers, municipalities):
    first = post_json(api, URL, payload(offers=["quick-scan"])).json()
    second = post_json(
        api,
        URL,
        payload(
            contact_name="Wethouder Jansen", contact_email="jansen@amersfoort.example", offers=["quick-scan"]
        ),
    )

    assert second.status_code == 200  # nothing new: the municipality already holds the place
    body = second.json()
    assert body["reference"] == first["reference"]
    assert [(o["slug"], o["status"], o["new"]) for o in body["offers"]] == [("quick-scan", "accepted", False)]
    signup = Signup.objects.get()
    assert list(signup.contacts.values_list("name", flat=True)) == ["Karin de Griffier", "Wethouder Jansen"]
    assert api.get("/api/v1/offers").json()[1]["taken"] == 1


def test_same_contact_twice_is_stored_once(api, offers, municipalities):
    post_json(api, URL, payload(offers=["quick-scan"]))
    again = post_json(api, URL, payload(contact_email="GRIFFIE@amersfoort.example", offers=["quick-scan"]))

    assert again.status_code == 200
    assert SignupContact.objects.count() == 1


def test_municipality_keeps_its_waitlist_place_when_asking_again(api, offers, municipalities):
    offers["ontwikkeltraject"].places = 0
    offers["ontwikkeltraject"].save()
    post_json(api, URL, payload(offers=["ontwikkeltraject"]))
    post_json(api, URL, payload(municipality="GM0363", offers=["ontwikkeltraject"]))

    again = post_json(
        api, URL, payload(contact_email="ander@amersfoort.example", offers=["ontwikkeltraject", "quick-scan"])
    )

    assert again.status_code == 201  # quick-scan is new
    assert [(o["slug"], o["status"], o["position"], o["new"]) for o in again.json()["offers"]] == [
        ("quick-scan", "accepted", None, True),
        ("ontwikkeltraject", "waitlisted", 1, False),
    ]


def test_confirmation_email_is_dutch_and_says_what_happened(
    api, offers, municipalities, django_capture_on_commit_callbacks
):
    offers["ontwikkeltraject"].places = 0
    offers["ontwikkeltraject"].save()
    with django_capture_on_commit_callbacks(execute=True):
        body = post_json(api, URL, payload(offers=["quick-scan", "ontwikkeltraject"])).json()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["griffie@amersfoort.example"]
    assert message.subject == f"Amersfoort aangemeld bij Democratie in Actie ({body['reference']})"
    assert "Beste Karin de Griffier," in message.body
    assert "Quick Scan Lokale Democratie: uw gemeente heeft een plek." in message.body
    assert "Ontwikkeltraject: uw gemeente staat op de wachtlijst, nummer 1." in message.body
    assert "Volgende stap" in message.body


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"municipality": "GM9999"}, "municipality"),
        ({"municipality": "Atlantis"}, "municipality"),
        ({"municipality": ""}, "municipality"),
        ({"offers": []}, "offers"),
        ({"offers": ["gratis-taart"]}, "offers"),
        ({"contact_email": "geen-adres"}, "contact_email"),
        ({"contact_email": ""}, "contact_email"),
        ({"contact_name": ""}, "contact_name"),
        ({"contact_name": "x" * 201}, "contact_name"),
        ({"offers": "quick-scan"}, "offers"),
        ({"municipality": None}, "municipality"),
    ],
)
def test_bad_input_is_422_per_field_and_stores_nothing(api, offers, municipalities, overrides, field):
    response = post_json(api, URL, payload(**overrides))

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [field]
    assert (Signup.objects.count(), SignupContact.objects.count(), len(mail.outbox)) == (0, 0, 0)


def test_several_bad_fields_are_reported_together(api, offers, municipalities):
    response = post_json(api, URL, payload(municipality="GM9999", offers=["taart"], contact_email="nee"))

    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == ["contact_email", "municipality", "offers"]


def test_malformed_json_is_a_clear_4xx(api, offers):
    response = api.post(URL, data="{niet json", content_type="application/json")

    assert response.status_code in (400, 422)
    assert Signup.objects.count() == 0


def test_ambiguous_name_names_the_candidates(api, offers, municipalities):
    make_municipalities(2)  # Testgemeente 00, Testgemeente 01
    response = post_json(api, URL, payload(municipality="Testgemeente"))

    assert response.status_code == 422
    assert response.json()["errors"]["municipality"] == [
        "Meerdere gemeenten passen: Testgemeente 00 (GM9000); Testgemeente 01 (GM9001). "
        "Kies er een uit de lijst of typ de CBS-code."
    ]


@pytest.mark.parametrize(
    "text", ["GM0307", "gm0307", "0307", "Amersfoort", "amersfoort", "Amersfoort (GM0307)"]
)
def test_municipality_by_code_or_name(api, offers, municipalities, text):
    response = post_json(api, URL, payload(municipality=text))

    assert response.status_code == 201
    assert response.json()["municipality"]["code"] == "GM0307"
