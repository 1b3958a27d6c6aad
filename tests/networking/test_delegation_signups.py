"""The municipality's signups for the network and the offers on its delegation's page (networking
contributes the section through events.extras.DELEGATION_PANELS): a place, a place in the waiting
list, or not signed up, per offer."""

import re

from events import services
from tests.factories import SIGNUP_URL, signup_payload
from tests.support import post_json


def delegation_page(event, municipality) -> str:
    _delegation, token, _members = services.register_delegation(
        event=event,
        coordinator={
            "first_name": "Griet",
            "last_name": "Griffier",
            "email": "griet@amersfoort.example",
            "role": "griffier",
        },
        municipality=municipality,
        attending=False,
        members=[{"first_name": "Raad", "last_name": "Lid", "email": "", "role": "raadslid"}],
    )
    return f"/aanmelden/delegatie/{token}/"


def offer_lines(html: str) -> list[str]:
    """Each offer's line of the section, its tags and spacing taken out."""
    items = re.findall(r'<li class="offer-state [\w-]+">(.*?)</li>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def test_the_delegation_page_shows_the_municipalitys_place_per_offer(
    api, client, event, offers, municipalities
):
    offers["ontwikkeltraject"].places = 1
    offers["ontwikkeltraject"].save()
    post_json(api, SIGNUP_URL, signup_payload(municipality="GM0363", offers=["ontwikkeltraject"]))
    post_json(api, SIGNUP_URL, signup_payload(offers=["netwerk-digitale-democratie", "ontwikkeltraject"]))

    response = client.get(delegation_page(event, municipalities["GM0307"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Netwerk en aanbod voor Amersfoort" in html
    assert offer_lines(html) == [
        "Netwerk Lokale Digitale Democratie: aangemeld, met een plaats",
        "Quick Scan Lokale Democratie: niet aangemeld",
        "Ontwikkeltraject: op de wachtlijst, nummer 1",
        "Ondersteuning van de raad op maat: niet aangemeld",
    ]


def test_another_municipalitys_signups_are_not_on_the_page(api, client, event, offers, municipalities):
    post_json(api, SIGNUP_URL, signup_payload(municipality="GM0363", offers=["quick-scan"]))

    html = client.get(delegation_page(event, municipalities["GM0307"])).content.decode()

    assert offer_lines(html) == [
        "Netwerk Lokale Digitale Democratie: niet aangemeld",
        "Quick Scan Lokale Democratie: niet aangemeld",
        "Ontwikkeltraject: niet aangemeld",
        "Ondersteuning van de raad op maat: niet aangemeld",
    ]
