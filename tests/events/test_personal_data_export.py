"""The per-person export (AVG art. 15 and 20): through the attendee's private link, the API and the
admin; everything held about that person, their consents with times, and nothing of anyone else."""

import json

import pytest
from django.test import Client

from events.models import Registration
from networking.models import DirectoryProfile, SignupContact
from tests.privacy import everything_about


@pytest.fixture
def day(event, programme, municipalities):
    return everything_about(event, programme, municipalities)


def export_of(client, person) -> dict:
    response = client.get(f"/r/{person.token}/gegevens.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="gegevens-{person.registration.reference}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    return response.json()


def test_export_holds_the_registration_and_its_bookings(client, day, programme):
    xanthippe = day["xanthippe"]
    registration = xanthippe.registration
    data = export_of(client, xanthippe)

    assert data["registration"] == {
        "reference": registration.reference,
        "status": "confirmed",
        "first_name": "Xanthippe",
        "last_name": "Zwanenburg",
        "email": "xanthippe.zwanenburg@voorbeeld.example",
        "role": "raadslid",
        "role_label": "Raadslid",
        "municipality": {"code": "GM0307", "name": "Amersfoort", "province": "Utrecht"},
        "organisation": "",
        "needs": "Rolstoelplek vooraan",
        "registered_at": data["registration"]["registered_at"],
        "changed_at": data["registration"]["changed_at"],
        "cancelled_at": None,
    }
    assert data["directory_profile"] == {
        "listed": True,
        "interests": ["inwoners-betrekken"],
        "talk_about": "Burgerberaden in kleine kernen",
    }
    assert [(b["workshop"]["id"], b["round"], b["room"], b["status"]) for b in data["bookings"]] == [
        (programme["small"].pk, "Ronde 1", "Zaal B", "booked"),
        (programme["digital"].pk, "Ronde 2", "Zaal A", "booked"),
    ]
    assert data["event"]["name"] == "Dag van de Lokale Democratie"


def test_export_holds_scans_checkins_and_emails_but_no_secrets(client, day):
    xanthippe = day["xanthippe"]
    data = export_of(client, xanthippe)

    assert [(c["workshop"], c["door"]) for c in data["checkins"]] == [
        (None, "Ingang noord"),
        ("Klein Gezelschap", "Deur zaal B"),
    ]
    assert [(s["status"], s["workshop"], s["door"]) for s in data["scans"]] == [
        ("ok", None, "Ingang noord"),
        ("already_checked_in", None, "Ingang noord"),
        ("ok", "Klein Gezelschap", "Deur zaal B"),
    ]
    assert [(e["kind"], e["to"]) for e in data["emails"]] == [
        ("registration_confirmation", xanthippe.email),
        ("networking_signup_confirmation", xanthippe.email),
    ]
    text = json.dumps(data)
    registration = xanthippe.registration
    for secret in (
        registration.badge_secret,
        registration.badge_hash,
        registration.manage_token,
        registration.manage_token_hash,
        registration.connect_code.secret,
    ):
        assert secret not in text


def test_export_holds_the_consent_records_with_times(client, day):
    xanthippe = day["xanthippe"]
    registration = xanthippe.registration
    data = export_of(client, xanthippe)

    signup_contact = SignupContact.objects.get(email=xanthippe.email)
    assert [(c["purpose"], c["given_at"], c["withdrawn_at"]) for c in data["consents"]] == [
        ("privacy_statement", _iso(registration.privacy_accepted_at), None),
        ("attendee_directory", _iso(registration.directory_profile.joined_at), None),
        ("municipality_signup", _iso(signup_contact.consent_given_at), None),
    ]
    assert data["municipality_signups"] == [
        {
            "municipality": "Amersfoort",
            "offer": "Netwerk Lokale Digitale Democratie",
            "status": "accepted",
            "reference": signup_contact.signup.reference,
            "contact_name": "Xanthippe Zwanenburg",
            "contact_role": "raadslid",
            "contact_email": xanthippe.email,
            "added_at": _iso(signup_contact.created_at),
        }
    ]


def test_leaving_the_directory_shows_as_a_withdrawn_consent(client, day):
    xanthippe = day["xanthippe"]
    client.post(f"/r/{xanthippe.token}/netwerken/", {})
    profile = DirectoryProfile.objects.get(registration=xanthippe.registration)

    directory = [c for c in export_of(client, xanthippe)["consents"] if c["purpose"] == "attendee_directory"]
    assert directory == [
        {
            "purpose": "attendee_directory",
            "given_at": _iso(profile.joined_at),
            "withdrawn_at": _iso(profile.left_at),
        }
    ]


def test_export_shows_contacts_only_as_they_were_shared(client, day):
    data = export_of(client, day["xanthippe"])

    assert [(c["direction"], c["status"], c["note"], c["other_person"]) for c in data["contacts"]] == [
        (
            "sent",
            "accepted",
            "Over de raadsbrief",
            {
                "name": "Bram Bakkerhuis",
                "role": "Raadslid",
                "municipality_or_organisation": "Amsterdam",
                "email": "bram.bakkerhuis@voorbeeld.example",
            },
        ),
        ("sent", "pending", "Koffie?", None),  # Carla has not answered: nothing of her is shared
        (
            "received",
            "pending",
            "Even bellen",
            {
                "name": "Dirk Dijkgraafsma",
                "role": "Wethouder",
                "municipality_or_organisation": "Kennisinstituut Lokaal",
            },
        ),
    ]
    assert data["connect_code"]["exists"] is True


def test_export_holds_nothing_of_anyone_else(client, day):
    text = json.dumps(export_of(client, day["xanthippe"]))

    for other in (day["eva"], day["carla"]):
        assert other.registration.first_name not in text
        assert other.registration.last_name not in text
        assert other.email not in text
        assert other.registration.reference not in text
    assert "Eva aan Bram" not in text
    assert "Leeuwarden" not in text  # Eva's municipality and its signup
    assert "dirk.dijkgraafsma@" not in text  # asked, not accepted: no address


def test_an_attendee_without_extras_gets_empty_sections(client, make_attendee, event):
    registration = make_attendee(7)
    token = registration.manage_token
    data = client.get(f"/r/{token}/gegevens.json").json()

    assert (data["checkins"], data["scans"], data["contacts"], data["municipality_signups"]) == (
        [],
        [],
        [],
        [],
    )
    assert data["connect_code"] == {"exists": False, "created_at": None}
    assert [c["purpose"] for c in data["consents"]] == ["privacy_statement"]
    assert data["directory_profile"] == {"listed": False, "interests": [], "talk_about": ""}


def test_api_export_is_the_same_as_the_download(api, client, day):
    xanthippe = day["xanthippe"]
    response = api.get(f"/api/v1/registrations/{xanthippe.token}/export")
    download = export_of(client, xanthippe)

    assert response.status_code == 200
    body = response.json()
    assert {key: value for key, value in body.items() if key != "generated_at"} == {
        key: value for key, value in download.items() if key != "generated_at"
    }


def test_export_of_an_unknown_token_is_404(api, client, day):
    assert client.get("/r/onbekend-token-123/gegevens.json").status_code == 404
    response = api.get("/api/v1/registrations/onbekend-token-123/export")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_export_is_declared_in_the_openapi_schema(api, db):
    schema = api.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/registrations/{manage_token}/export"]["get"]

    assert set(operation["responses"]) == {"200", "404", "429"}


def test_organiser_exports_one_person_from_the_admin(staff_user, day):
    staff_user.is_superuser = True
    staff_user.save()
    admin = Client()
    admin.force_login(staff_user)
    xanthippe = day["xanthippe"]

    response = admin.post(
        "/admin/events/registration/",
        {"action": "export_personal_data", "_selected_action": [xanthippe.registration.pk]},
    )
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="gegevens-{xanthippe.registration.reference}.json"'
    )
    data = json.loads(response.content)
    assert data["registration"]["email"] == xanthippe.email
    assert data["contacts"] == export_of(Client(), xanthippe)["contacts"]

    several = admin.post(
        "/admin/events/registration/",
        {
            "action": "export_personal_data",
            "_selected_action": [xanthippe.registration.pk, day["eva"].registration.pk],
        },
        follow=True,
    )
    assert "Kies precies één aanmelding om te exporteren." in several.content.decode()
    assert "Content-Disposition" not in several


def test_export_needs_a_staff_login_in_the_admin(client, day):
    response = client.post(
        "/admin/events/registration/",
        {"action": "export_personal_data", "_selected_action": [day["xanthippe"].registration.pk]},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert Registration.objects.filter(erased_at__isnull=False).count() == 0


def _iso(moment) -> str:
    from events.selectors import iso

    return iso(moment)
