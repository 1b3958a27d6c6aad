"""/netwerk/ and /netwerk/muur/: signup without JavaScript, the kiosk mode, the wall."""

import re

from django.core import mail

from networking import services
from networking.models import Signup, SignupContact
from tests.factories import signup_form_data


def test_signup_page_lists_offers_with_places_and_every_municipality(client, offers, municipalities):
    html = client.get("/netwerk/").content.decode()

    assert '<html lang="nl">' in html
    assert "Meld uw gemeente aan" in html
    assert html.count('name="offers"') == 4
    assert 'data-offer-places="quick-scan">nog 50 plekken<' in html
    assert 'data-offer-places="netwerk-digitale-democratie">Onbeperkt aantal plekken<' in html
    assert '<option value="Amersfoort (GM0307)">' in html
    assert 'list="municipality-list"' in html
    assert "<script src=" in html and "<script>" not in html and 'style="' not in html
    assert "data-kiosk" not in html


def test_signup_through_the_form_shows_the_result(
    client, offers, municipalities, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/netwerk/", signup_form_data())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Dank u wel: Amersfoort is aangemeld" in html
    assert "Quick Scan Lokale Democratie" in html and "U hebt een plek" in html
    assert "griffie@amersfoort.example" not in html  # nothing personal on screen
    assert sorted(Signup.objects.values_list("offer__slug", "status")) == [
        ("netwerk-digitale-democratie", "accepted"),
        ("quick-scan", "accepted"),
    ]
    assert SignupContact.objects.filter(role="griffier").count() == 2
    assert len(mail.outbox) == 1


def test_form_errors_are_shown_and_nothing_is_stored(client, offers, municipalities):
    response = client.post(
        "/netwerk/", signup_form_data(municipality="Atlantis", offers=[], contact_email="nee", consent="")
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "We kennen geen gemeente met de naam “Atlantis”." in html
    assert "Kies ten minste één aanbod." in html
    assert "Zonder uw toestemming kunnen we de aanmelding niet verwerken." in html
    assert 'aria-invalid="true"' in html
    assert Signup.objects.count() == 0


def test_waitlisted_result_shows_the_position(client, offers, municipalities):
    offers["ontwikkeltraject"].places = 1
    offers["ontwikkeltraject"].save()
    client.post("/netwerk/", signup_form_data(municipality="GM0363", offers=["ontwikkeltraject"]))

    html = client.post("/netwerk/", signup_form_data(offers=["ontwikkeltraject"])).content.decode()

    assert "Wachtlijst, nummer 1" in html


def test_kiosk_mode_turns_autofill_off_and_returns_to_an_empty_form(client, offers, municipalities):
    page = client.get("/netwerk/?kiosk=1&reset=3").content.decode()
    assert re.search(
        r'<form method="post" action="/netwerk/\?kiosk=1&amp;reset=3" novalidate autocomplete="off"', page
    )
    assert "data-kiosk" in page and 'data-idle-reset="120"' in page

    result = client.post("/netwerk/?kiosk=1&reset=3", signup_form_data()).content.decode()
    assert 'data-reset-after="3"' in result
    assert 'data-reset-url="/netwerk/?kiosk=1&amp;reset=3"' in result
    # Without JavaScript the page still clears itself.
    assert (
        '<noscript><meta http-equiv="refresh" content="3;url=/netwerk/?kiosk=1&amp;reset=3"></noscript>'
        in result
    )
    assert "Karin" not in result


def test_kiosk_reset_is_bounded_and_pages_are_not_cached(client, offers):
    response = client.get("/netwerk/?kiosk=1&reset=99999")
    assert "no-store" in response["Cache-Control"]
    result = client.post("/netwerk/?kiosk=1&reset=nonsense", {"consent": "on"})
    assert result.status_code == 422
    assert 'data-idle-reset="120"' in result.content.decode()


def test_wall_lists_network_members_in_order_with_a_counter(client, event, offers, municipalities):
    for code in ["GM0599", "GM0080", "GM0307"]:
        services.sign_up(
            event=event,
            municipality=municipalities[code],
            contact_name="Contact",
            contact_email=f"c@{code}.example",
            offers=[offers["netwerk-digitale-democratie"]],
        )
    services.sign_up(
        event=event,
        municipality=municipalities["GM0363"],
        contact_name="Contact",
        contact_email="c@ams.example",
        offers=[offers["quick-scan"]],
    )

    html = client.get("/netwerk/muur/").content.decode()

    assert '<span class="value" id="member-count">3</span>' in html
    names = re.findall(r'<li><span class="name">([^<]+)</span>', html)
    assert names == ["Rotterdam", "Leeuwarden", "Amersfoort"]
    assert "Amsterdam" not in html.split('id="members"')[1].split("</ol>")[0]  # on the map, not a member
    assert "c@GM0599.example" not in html and "Contact" not in html
    assert 'aria-label="QR-code van de aanmeldpagina"' in html
    assert "http://testserver/netwerk/" in html
