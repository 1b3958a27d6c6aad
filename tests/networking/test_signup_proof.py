"""Capped places go to real municipalities: a place is final once its contact proves the address
(or someone was there in person, or an organiser approved it); held places of unproven signups
are released after SIGNUP_PROOF_HOURS; a further contact sees nothing until proven and accepted;
organisers review and reject (issue 13 §2)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events import presence
from events import services as event_services
from events.models import OutboundEmail
from networking import services
from networking.models import Signup, SignupContact
from tests.concurrency import race
from tests.factories import make_municipalities
from tests.support import post_json, requires_postgres, trail

URL = "/api/v1/signups"
CAPPED = ["quick-scan", "ontwikkeltraject", "raadsondersteuning"]
REAL = ["GM0307", "GM0363", "GM0599", "GM0518", "GM0080"]


def payload(municipality="GM0307", email="griffie@amersfoort.example", offers=CAPPED, **overrides) -> dict:
    return {
        "municipality": municipality,
        "contact_name": "Karin de Griffier",
        "contact_email": email,
        "offers": list(offers),
        **overrides,
    }


def mailed(address: str) -> dict:
    """The context of the last signup mail to `address` (its tokens)."""
    return (
        OutboundEmail.objects.filter(to=address, kind="networking_signup_confirmation").latest("pk").context
    )


def prove(client: Client, address: str):
    return client.post(f"/netwerk/bevestig/{mailed(address)['address_token']}/")


def after_the_hold(hours: int = 4) -> int:
    return services.release_unconfirmed_signups(now=timezone.now() + timedelta(hours=hours, minutes=1))


def places(slug: str) -> list[tuple[str, str]]:
    return list(
        Signup.objects.filter(offer__slug=slug).order_by("pk").values_list("municipality__code", "status")
    )


def test_a_flood_of_made_up_signups_leaves_the_places_to_the_real_municipalities(api, offers, municipalities):
    # One client, 60 municipalities with made-up contacts, Amersfoort first among them.
    fakes = ["GM0307", *(m.code for m in make_municipalities(59))]
    for n, code in enumerate(fakes):
        response = post_json(api, URL, payload(code, f"nep{n}@mailinator.example"))
        assert response.status_code == 201
    assert api.get("/api/v1/offers").json()[1]["places_left"] == 0  # every place held for now

    # The real municipalities come later: on the waitlists (Amersfoort: a further contact).
    client = Client()
    for code in REAL:
        address = f"griffie@{code.lower()}.example"
        response = post_json(api, URL, payload(code, address))
        assert response.status_code == (202 if code == "GM0307" else 201)
        assert prove(client, address).status_code == 200

    # Every held signup handled once; Amersfoort's three at once, by its proven contact.
    assert after_the_hold() == 60 * 3 - 2
    for slug in CAPPED:
        assert sorted(places(slug)) == sorted((code, "accepted") for code in REAL)
    assert Signup.objects.filter(confirmed_at__isnull=True).count() == 0
    assert not SignupContact.objects.filter(email__startswith="nep").exists()
    assert [o["taken"] for o in api.get("/api/v1/offers").json()[1:]] == [5, 5, 5]
    assert {action for action, *_rest in trail()} >= {
        "signup.released",
        "signup.promoted",
        "signup.taken_over",
    }


def test_a_proven_contact_keeps_the_place_after_the_hold(api, client, offers, municipalities):
    body = post_json(api, URL, payload(offers=["quick-scan"])).json()
    page = client.get(f"/netwerk/bevestig/{mailed('griffie@amersfoort.example')['address_token']}/")
    assert page.status_code == 200 and Signup.objects.get().confirmed_at is None  # a GET proves nothing

    assert prove(client, "griffie@amersfoort.example").status_code == 200

    assert after_the_hold() == 0
    assert places("quick-scan") == [("GM0307", "accepted")]
    assert body["confirmed"] is False
    assert prove(client, "griffie@amersfoort.example").status_code == 404  # one-time link


def test_an_unproven_signup_is_released_and_the_first_on_the_waitlist_gets_the_place(
    api, offers, municipalities
):
    offers["ontwikkeltraject"].places = 1
    offers["ontwikkeltraject"].save()
    post_json(api, URL, payload("GM0307", "nep@x.example", ["ontwikkeltraject"]))
    post_json(api, URL, payload("GM0363", "griffie@amsterdam.example", ["ontwikkeltraject"]))
    prove(Client(), "griffie@amsterdam.example")

    assert after_the_hold(hours=3) == 0  # still held
    assert after_the_hold() == 1

    assert places("ontwikkeltraject") == [("GM0363", "accepted")]


def test_no_release_when_switched_off(api, offers, municipalities, settings):
    settings.SIGNUP_PROOF_HOURS = 0
    post_json(api, URL, payload())
    assert after_the_hold(hours=1000) == 0
    assert Signup.objects.count() == 3


def test_signed_up_by_an_organiser_is_final_at_once(offers, municipalities, staff_client):
    response = post_json(staff_client, URL, payload())

    assert response.status_code == 201 and response.json()["confirmed"] is True
    assert after_the_hold() == 0
    assert Signup.objects.filter(confirmed_at__isnull=False).count() == 3
    assert {data.get("in_person") for *_rest, data in _created()} == {"organiser"}


def _created():
    from events.models import AuditEntry

    return [
        (entry.action, entry.data)
        for entry in AuditEntry.objects.filter(action="signup.created").order_by("pk")
    ]


@pytest.fixture
def kiosk_provider():
    """A paired kiosk as the checkin app would register it: a header stands for its cookie."""

    def provider(request):
        if request.headers.get("X-Test-Kiosk") == "stand":
            return presence.Presence(kind="kiosk", label="Stand Democratie in Actie")
        return None

    presence.PROVIDERS.register(provider)
    yield
    presence.PROVIDERS._entries = [e for e in presence.PROVIDERS._entries if e.item is not provider]


def test_signed_up_at_a_paired_kiosk_is_final_at_once(client, offers, municipalities, kiosk_provider):
    form = {**payload(offers=["quick-scan"]), "contact_role": "", "consent": "on"}
    response = client.post("/netwerk/?kiosk=1", form, HTTP_X_TEST_KIOSK="stand")
    assert response.status_code == 200
    assert "Bevestig uw adres" not in response.content.decode()

    unpaired = client.post("/netwerk/", {**form, "municipality": "GM0363"})
    assert "Bevestig uw adres binnen" in unpaired.content.decode()

    assert after_the_hold() == 1
    assert places("quick-scan") == [("GM0307", "accepted")]


def test_the_address_of_a_proven_registration_proves_nothing_to_whoever_types_it(
    api, offers, municipalities, event
):
    """Anyone who knows a registered attendee's address could otherwise make a municipality's
    capped places final and get its private link in the 201."""
    registration, _token = event_services.register(
        event=event,
        first_name="Karin",
        last_name="de Griffier",
        email="griffie@amersfoort.example",
        role="griffier",
        municipality=municipalities["GM0307"],
        send_confirmation=False,
    )
    registration.address_verified_at = timezone.now()
    registration.save(update_fields=["address_verified_at"])

    body = post_json(api, URL, payload(offers=["quick-scan"])).json()

    assert (body["address_verified"], body["confirmed"]) == (False, False)
    assert mailed("griffie@amersfoort.example")["address_token"] != ""
    assert after_the_hold() == 1
    assert places("quick-scan") == []


def test_a_proven_contacts_address_proves_nothing_and_answers_like_a_strangers(
    api, offers, municipalities
):
    post_json(api, URL, payload(offers=["quick-scan"]))
    prove(Client(), "griffie@amersfoort.example")

    as_the_contact = post_json(api, URL, payload(offers=["quick-scan", "ontwikkeltraject"]))
    as_a_stranger = post_json(api, URL, payload(email="mallory@evil.example", offers=["quick-scan"]))

    assert (as_the_contact.status_code, as_a_stranger.status_code) == (202, 202)
    assert as_the_contact.json() == as_a_stranger.json()
    # The new place is held until the mailbox's owner opens the new link; the proven one stays final.
    final = {
        signup.offer.slug: signup.confirmed_at is not None
        for signup in Signup.objects.filter(municipality__code="GM0307").select_related("offer")
    }
    assert final == {"ontwikkeltraject": False, "quick-scan": True}
    prove(Client(), "griffie@amersfoort.example")
    assert Signup.objects.filter(municipality__code="GM0307", confirmed_at__isnull=True).count() == 0


def test_a_further_contact_sees_nothing_until_proven_and_accepted(api, offers, municipalities):
    first = post_json(api, URL, payload(offers=["quick-scan"])).json()
    griffie = Client()
    prove(griffie, "griffie@amersfoort.example")

    answer = post_json(api, URL, payload(email="mallory@evil.example", contact_name="Mallory"))
    mallory = Client()
    page = mallory.get(f"/netwerk/aanmelding/{mailed('mallory@evil.example')['manage_token']}/")

    assert answer.status_code == 202
    assert (answer.json()["reference"], answer.json()["offers"]) == (None, [])
    html = page.content.decode()
    assert first["reference"] not in html and "Wachtlijst" not in html and "U hebt een plek" not in html
    mail_context = OutboundEmail.objects.filter(to="mallory@evil.example").latest("pk")
    assert mail_context.context["admitted"] is False

    # The first contact sees her only once she proved her address, then accepts her.
    manage = first["manage_url"].removeprefix("http://testserver")
    assert "mallory@evil.example" not in griffie.get(manage).content.decode()
    prove(mallory, "mallory@evil.example")
    assert "mallory@evil.example" in griffie.get(manage).content.decode()
    contact = SignupContact.objects.filter(email="mallory@evil.example").first()
    accepted = griffie.post(f"{manage}contacten/{contact.pk}/accepteren/")

    assert accepted.status_code == 302
    assert (
        first["reference"]
        in mallory.get(
            f"/netwerk/aanmelding/{mailed('mallory@evil.example')['manage_token']}/"
        ).content.decode()
    )
    assert ("signup.contact_accepted", "Amersfoort → Quick Scan Lokale Democratie") in [
        (action, obj) for action, obj, *_rest in trail()
    ]


def test_an_unproven_first_contact_cannot_accept_others(api, offers, municipalities):
    first = post_json(api, URL, payload(offers=["quick-scan"])).json()
    post_json(api, URL, payload(email="collega@amersfoort.example", offers=["quick-scan"]))
    prove(Client(), "collega@amersfoort.example")
    manage = first["manage_url"].removeprefix("http://testserver")
    contact = SignupContact.objects.get(email="collega@amersfoort.example")

    response = Client().post(f"{manage}contacten/{contact.pk}/accepteren/")

    assert response.status_code == 403
    assert SignupContact.objects.get(pk=contact.pk).admitted_at is None


def test_organisers_review_and_reject_from_the_admin(api, offers, municipalities, organiser_admin):
    offers["ontwikkeltraject"].places = 1
    offers["ontwikkeltraject"].save()
    post_json(api, URL, payload("GM0307", "nep@x.example", ["ontwikkeltraject"]))
    post_json(api, URL, payload("GM0363", "griffie@amsterdam.example", ["ontwikkeltraject"]))
    fake, real = Signup.objects.order_by("pk")

    review = organiser_admin.get("/admin/networking/signup/?review=new")
    assert review.status_code == 200 and "Amersfoort" in review.content.decode()
    organiser_admin.post("/admin/networking/signup/", {"action": "reject", "_selected_action": [fake.pk]})
    organiser_admin.post("/admin/networking/signup/", {"action": "approve", "_selected_action": [real.pk]})

    assert places("ontwikkeltraject") == [("GM0363", "accepted")]
    real.refresh_from_db()
    assert real.confirmed_at is not None and real.reviewed_at is not None
    assert [
        (action, obj, actor) for action, obj, _door, actor, _changes in trail() if action != "signup.created"
    ] == [
        ("signup.rejected", "Amersfoort → Ontwikkeltraject", "organisator"),
        ("signup.promoted", "Amsterdam → Ontwikkeltraject", "organisator"),
        ("signup.reviewed", "Amsterdam → Ontwikkeltraject", "organisator"),
    ]
    assert "Amersfoort" not in organiser_admin.get("/admin/networking/signup/?review=new").content.decode()


def test_unknown_links_are_404(client, offers):
    assert client.get("/netwerk/bevestig/onbekend/").status_code == 404
    assert client.post("/netwerk/bevestig/onbekend/").status_code == 404
    assert client.get("/netwerk/aanmelding/onbekend/").status_code == 404


def test_a_signup_an_organiser_enters_in_the_admin_is_final_and_its_contact_accepted(
    offers, municipalities, organiser_admin
):
    response = organiser_admin.post(
        "/admin/networking/signup/add/",
        {
            "offer": offers["quick-scan"].pk,
            "municipality": municipalities["GM0307"].pk,
            "status": "accepted",
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
            "contacts-0-name": "Karin de Griffier",
            "contacts-0-email": "griffie@amersfoort.example",
            "contacts-0-role": "griffier",
        },
    )

    assert response.status_code == 302
    signup = Signup.objects.get()
    assert (signup.confirmed_at is not None, signup.reviewed_at is not None) == (True, True)
    assert signup.contacts.get().admitted_at is not None
    assert after_the_hold() == 0


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_processes_releasing_at_once_release_each_signup_once(event, offers):
    track = offers["ontwikkeltraject"]  # 10 places
    municipalities = make_municipalities(16)
    for index, municipality in enumerate(municipalities):
        services.sign_up(
            event=event,
            municipality=municipality,
            contact_name=f"Contact {index}",
            contact_email=f"c{index}@race.example",
            offers=[track],
            # The last six are real and proven in person: they wait for the first ten's places.
            in_person=presence.Presence(kind="organiser", label="ilse") if index >= 10 else None,
        )
    later = timezone.now() + timedelta(hours=5)

    results = race(lambda index: services.release_unconfirmed_signups(now=later), 2)

    assert sum(results) == 10  # between them, each of the ten unproven ones once
    assert sorted(places("ontwikkeltraject")) == sorted((m.code, "accepted") for m in municipalities[10:])
    assert len(trail(action="signup.promoted")) == 6
