"""Networking's part of the demo day (networking/demo.py): the four offers of Democratie in Actie."""

from django.core.management import call_command

from networking.models import Offer


def test_the_four_offers_of_democratie_in_actie(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-in-de-test")
    call_command("seed_demo")
    call_command("seed_demo")

    assert list(Offer.objects.values_list("position", "slug", "places")) == [
        (1, "netwerk-digitale-democratie", None),
        (2, "quick-scan", 50),
        (3, "ontwikkeltraject", 10),
        (4, "raadsondersteuning", 20),
    ]
    assert Offer.objects.get(slug="quick-scan").title == "Quick Scan Lokale Democratie"
    assert Offer.objects.get(slug="quick-scan").description.startswith(
        "Breng in kaart hoe het staat met de democratie in uw gemeente. "
    )
