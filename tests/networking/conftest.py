"""Fixtures of the networking tests: the programme's four offers and attendees with a profile."""

import pytest

from events import services
from events.models import Municipality
from networking.models import Offer

OFFERS = [
    ("netwerk-digitale-democratie", "Netwerk Lokale Digitale Democratie", None),
    ("quick-scan", "Quick Scan Lokale Democratie", 50),
    ("ontwikkeltraject", "Ontwikkeltraject", 10),
    ("raadsondersteuning", "Ondersteuning van de raad op maat", 20),
]


def create_offers(event) -> dict[str, Offer]:
    return {
        slug: Offer.objects.create(event=event, slug=slug, title=title, places=places, position=position)
        for position, (slug, title, places) in enumerate(OFFERS)
    }


@pytest.fixture
def offers(event) -> dict[str, Offer]:
    return create_offers(event)


def make_municipalities(count: int, province: str = "Gelderland") -> list[Municipality]:
    """`count` extra municipalities GM9000.., beyond the five of the shared fixture."""
    return Municipality.objects.bulk_create(
        Municipality(code=f"GM{9000 + n}", name=f"Testgemeente {n:02d}", province=province)
        for n in range(count)
    )


def attendee(
    event, name: str, *, municipality=None, role="raadslid", opt_in=True, interests=(), talk_about=""
):
    """(registration, manage token) of a confirmed attendee."""
    first, last = name.split(" ", 1)
    return services.register(
        event=event,
        first_name=first,
        last_name=last,
        email=f"{first.lower()}.{last.lower().replace(' ', '')}@example.org",
        role=role,
        municipality=municipality,
        organisation="" if municipality else "Kennisinstituut",
        directory_opt_in=opt_in,
        interests=list(interests),
        talk_about=talk_about,
        send_confirmation=False,
    )
