"""Networking's part of the demo day: the four offers of Democratie in Actie, from
`networking/data/offers.toml` (found by `events.demo.seeders`, like `admin.py`)."""

from pathlib import Path

from events.demo import read_data, seeder
from events.models import Event
from networking.models import Offer

OFFERS_FILE = Path(__file__).resolve().parent / "data" / "offers.toml"


@seeder
def seed_offers(event: Event) -> dict[str, int]:
    """Create or refresh the offers, keyed by slug; their order is the order in the file."""
    offers = read_data(OFFERS_FILE)["offers"]
    for position, offer in enumerate(offers, start=1):
        Offer.objects.update_or_create(
            event=event,
            slug=offer["slug"],
            defaults={
                "title": offer["title"],
                "description": offer["description"],
                "places": offer.get("places"),  # left out in the file: unlimited
                "position": position,
            },
        )
    return {"offers": len(offers)}
