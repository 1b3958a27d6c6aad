"""Networking's part of the demo day: the four offers of Democratie in Actie, from
`networking/data/offers.toml`, and the tables and slots of 1:1 meetings (found by
`events.demo.seeders`, like `admin.py`)."""

from pathlib import Path

from events.demo import read_data, seeder
from events.models import Event
from networking.meetings.services import fill_breaks_with_slots
from networking.models import MeetingSlot, MeetingTable, Offer

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


DEMO_TABLES = 20
DEMO_AREA = "Netwerkplein"


@seeder
def seed_meeting_tables(event: Event) -> dict[str, int]:
    """20 numbered tables on the Netwerkplein and 15-minute slots in the breaks between the rounds.
    Slots nobody asked for that no longer fall in a break (the day moved) go."""
    for number in range(1, DEMO_TABLES + 1):
        MeetingTable.objects.update_or_create(event=event, number=number, defaults={"area": DEMO_AREA})
    slots = fill_breaks_with_slots(event)
    MeetingSlot.objects.filter(event=event, meetings__isnull=True).exclude(
        pk__in=[slot.pk for slot in slots]
    ).delete()
    return {"meeting_tables": DEMO_TABLES, "meeting_slots": len(slots)}
