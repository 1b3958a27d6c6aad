"""POST /api/v1/signups and GET /api/v1/offers: the contract, duplicates and every bad input."""

import pytest
from django.core import mail

from networking.models import Signup, SignupContact
from tests.factories import SIGNUP_URL, make_municipalities, signup_payload
from tests.support import post_json


def test_signup_answers_with_the_contract(api, offers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(api, SIGNUP_URL, signup_payload(contact_role="griffier"))

    assert response.status_code == 201
    body = response.json()
    assert sorted(body) == [
        "address_verified",
        "confirmed",
        "manage_url",
        "municipality",
        "offers",
        "reference",
    ]
    assert body["reference"].startswith("DIA-") and len(body["reference"]) == 9
    assert body["manage_url"].startswith("http://testserver/netwerk/aanmelding/")
    assert (body["address_verified"], body["confirmed"]) == (False, False)
    assert body["municipality"] == {"code": "GM0307", "name": "Amersfoort", "province": "Utrecht"}
    # In the offers' display order, whatever order they were asked in.
    assert [(o["slug"], o["status"], o["position"], o["new"]) for o in body["offers"]] == [
        ("netwerk-digitale-democratie", "accepted", None, True),
        ("quick-scan", "accepted", None, True),
    ]
    contacts = list(SignupContact.objects.values_list("name", "email", "role"))
    assert contacts == [("Karin de Griffier", "griffie@amersfoort.example", "griffier")] * 2


def test_offers_list_counts_places(api, offers, municipalities):
    post_json(api, SIGNUP_URL, signup_payload(offers=["quick-scan"]))
    post_json(
        api, SIGNUP_URL, signup_payload(municipality="GM0363", offers=["quick-scan", "ontwikkeltraject"])
    )

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
            SIGNUP_URL,
            signup_payload(municipality=m.code, contact_email=f"c{i}@x.example", offers=["ontwikkeltraject"]),
        )
        for i, m in enumerate(extra)
    ]

    statuses = [(a.json()["offers"][0]["status"], a.json()["offers"][0]["position"]) for a in answers]
    assert statuses == [("accepted", None)] * 10 + [("waitlisted", 1), ("waitlisted", 2)]


def test_second_contact_joins_the_same_signup_and_learns_nothing(api, offers, municipalities):
    post_json(api, SIGNUP_URL, signup_payload(offers=["quick-scan"])).json()
    second = post_json(
        api,
        SIGNUP_URL,
        signup_payload(
            contact_name="Wethouder Jansen", contact_email="jansen@amersfoort.example", offers=["quick-scan"]
        ),
    )

    assert second.status_code == 202  # the municipality already holds the place
    body = second.json()
    assert (body["reference"], body["offers"], body["manage_url"]) == (None, [], None)
    signup = Signup.objects.get()
    assert [(c.name, c.admitted_at is None) for c in signup.contacts.all()] == [
        ("Karin de Griffier", False),
        ("Wethouder Jansen", True),
    ]
    assert api.get("/api/v1/offers").json()[1]["taken"] == 1


def test_same_contact_twice_is_stored_once(api, offers, municipalities):
    post_json(api, SIGNUP_URL, signup_payload(offers=["quick-scan"]))
    again = post_json(
        api, SIGNUP_URL, signup_payload(contact_email="GRIFFIE@amersfoort.example", offers=["quick-scan"])
    )

    assert again.status_code == 202  # the same answer whoever asks: an address proves nothing
    assert again.json()["reference"] is None
    assert SignupContact.objects.count() == 1


def test_municipality_keeps_its_waitlist_place_when_asking_again(api, offers, municipalities):
    offers["ontwikkeltraject"].places = 0
    offers["ontwikkeltraject"].save()
    post_json(api, SIGNUP_URL, signup_payload(offers=["ontwikkeltraject"]))
    post_json(api, SIGNUP_URL, signup_payload(municipality="GM0363", offers=["ontwikkeltraject"]))

    again = post_json(
        api,
        SIGNUP_URL,
        signup_payload(contact_email="ander@amersfoort.example", offers=["ontwikkeltraject", "quick-scan"]),
    )

    assert again.status_code == 202  # quick-scan is new, but this person is not accepted yet
    assert again.json()["offers"] == []
    assert sorted(
        Signup.objects.filter(municipality__code="GM0307").values_list("offer__slug", "status")
    ) == [
        ("ontwikkeltraject", "waitlisted"),
        ("quick-scan", "accepted"),
    ]


def test_confirmation_email_is_dutch_and_says_what_happened(
    api, offers, municipalities, django_capture_on_commit_callbacks
):
    offers["ontwikkeltraject"].places = 0
    offers["ontwikkeltraject"].save()
    with django_capture_on_commit_callbacks(execute=True):
        body = post_json(api, SIGNUP_URL, signup_payload(offers=["quick-scan", "ontwikkeltraject"])).json()

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
    response = post_json(api, SIGNUP_URL, signup_payload(**overrides))

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [field]
    assert (Signup.objects.count(), SignupContact.objects.count(), len(mail.outbox)) == (0, 0, 0)


def test_several_bad_fields_are_reported_together(api, offers, municipalities):
    response = post_json(
        api, SIGNUP_URL, signup_payload(municipality="GM9999", offers=["taart"], contact_email="nee")
    )

    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == ["contact_email", "municipality", "offers"]


def test_malformed_json_is_a_clear_400(api, offers):
    response = api.post(SIGNUP_URL, data="{niet json", content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (400, "bad_request")
    assert Signup.objects.count() == 0


def test_ambiguous_name_names_the_candidates(api, offers, municipalities):
    make_municipalities(2)  # Testgemeente 00, Testgemeente 01
    response = post_json(api, SIGNUP_URL, signup_payload(municipality="Testgemeente"))

    assert response.status_code == 422
    assert response.json()["errors"]["municipality"] == [
        "Meerdere gemeenten passen: Testgemeente 00 (GM9000); Testgemeente 01 (GM9001). "
        "Kies er een uit de lijst of typ de CBS-code."
    ]


@pytest.mark.parametrize(
    "text", ["GM0307", "gm0307", "0307", "Amersfoort", "amersfoort", "Amersfoort (GM0307)"]
)
def test_municipality_by_code_or_name(api, offers, municipalities, text):
    response = post_json(api, SIGNUP_URL, signup_payload(municipality=text))

    assert response.status_code == 201
    assert response.json()["municipality"]["code"] == "GM0307"
