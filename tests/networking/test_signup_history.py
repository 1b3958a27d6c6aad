"""The audit trail of signups and offers: who signed a municipality up, through which door (never
the contact's name), offers changed in the admin, and contacts forgotten by the retention purge."""

from datetime import timedelta

from events.models import AuditEntry, Event
from events.services import purge_event
from networking import services
from networking.models import Signup
from tests.factories import create_offers
from tests.support import post_json, trail


def test_signups_through_the_api_and_the_kiosk(api, staff_client, offers, municipalities):
    signup = {"municipality": "GM0307", "contact_name": "Karin", "contact_email": "karin@x.example"}
    post_json(api, "/api/v1/signups", {**signup, "offers": ["quick-scan"]})
    post_json(api, "/api/v1/signups", {**signup, "contact_email": "piet@x.example", "offers": ["quick-scan"]})
    # The kiosk at the stand is logged in as an organiser.
    staff_client.get("/netwerk/")
    staff_client.post(
        "/netwerk/",
        {
            "municipality": "GM0363",
            "contact_name": "Joost",
            "contact_email": "joost@x.example",
            "offers": ["quick-scan"],
            "consent": "on",
            "csrfmiddlewaretoken": staff_client.cookies["csrftoken"].value,
        },
    )

    assert trail() == [
        (
            "signup.created",
            "Amersfoort → Quick Scan Lokale Democratie",
            "api",
            "",
            {"status": [None, "accepted"]},
        ),
        ("signup.contact_added", "Amersfoort → Quick Scan Lokale Democratie", "api", "", {}),
        (
            "signup.created",
            "Amsterdam → Quick Scan Lokale Democratie",
            "site",
            "organisator",
            {"status": [None, "accepted"]},
        ),
    ]
    stored = str(list(AuditEntry.objects.values()))
    assert [name for name in ("Karin", "karin@", "Joost", "piet@") if name in stored] == []


def test_an_offer_changed_in_the_admin(organiser_admin, offers):
    admin = organiser_admin
    offer = offers["quick-scan"]

    response = admin.post(
        f"/admin/networking/offer/{offer.pk}/change/",
        {
            "event": offer.event_id,
            "slug": offer.slug,
            "title": offer.title,
            "description": "",
            "places": 60,
            "position": 1,
        },
    )

    assert response.status_code == 302
    assert trail() == [
        ("offer.changed", "Quick Scan Lokale Democratie", "admin", "organisator", {"places": [50, 60]})
    ]
    history = admin.get(f"/admin/networking/offer/{offer.pk}/history/").content.decode()
    assert "Aanbod gewijzigd" in history and "<del>50</del>" in history and "<ins>60</ins>" in history


def test_the_purge_forgets_the_contacts_in_the_signups_history(organiser_admin, event, municipalities):
    old = Event.objects.create(
        slug="oud", name="Vorig jaar", date=event.date - timedelta(days=400), venue="Elders", capacity=10
    )
    offers = create_offers(old)
    result = services.sign_up(
        event=old,
        municipality=municipalities["GM0307"],
        contact_name="Karin de Griffier",
        contact_email="karin@x.example",
        offers=[offers["quick-scan"]],
    )
    signup = Signup.objects.get(pk=result.outcomes[0].signup.pk)
    contact = signup.contacts.get()
    organiser_admin.post(
        f"/admin/networking/signup/{signup.pk}/change/",
        {
            "offer": signup.offer_id,
            "municipality": signup.municipality_id,
            "status": "waitlisted",
            "contacts-TOTAL_FORMS": 2,
            "contacts-INITIAL_FORMS": 1,
            "contacts-0-id": contact.pk,
            "contacts-0-signup": signup.pk,
            "contacts-0-name": "Karin de Griffier",
            "contacts-0-role": "griffier",
            "contacts-0-email": contact.email,
            "contacts-1-signup": signup.pk,
            "contacts-1-name": "Piet Plaatsvervanger",
            "contacts-1-role": "",
            "contacts-1-email": "piet@x.example",
        },
    )
    piet = signup.contacts.get(name="Piet Plaatsvervanger")
    [changed] = AuditEntry.objects.filter(action="signup.changed")
    assert changed.changes == {
        "status": ["accepted", "waitlisted"],
        f"contacts.{contact.pk}": [
            "Karin de Griffier <karin@x.example>",
            "Karin de Griffier (griffier) <karin@x.example>",
        ],
        f"contacts.{piet.pk}": [None, "Piet Plaatsvervanger <piet@x.example>"],
    }

    purge_event(old)

    changed.refresh_from_db()
    assert changed.changes == {
        "status": ["accepted", "waitlisted"],
        f"contacts.{contact.pk}": ["Gewist", "Gewist"],
        f"contacts.{piet.pk}": [None, "Gewist"],
    }
    assert [action for action, *_rest in trail(event=old)] == ["signup.created", "signup.changed"]
