"""Read queries of the networking app."""

from events.models import Event
from networking.models import Offer


def offers(event: Event) -> list[dict]:
    return [
        {
            "slug": offer.slug,
            "title": offer.title,
            "description": offer.description,
            "places": offer.places,
            "taken": offer.taken,
            "waitlisted": offer.waitlisted,
            "places_left": None if offer.places is None else max(offer.places - offer.taken, 0),
        }
        for offer in Offer.objects.filter(event=event).with_counts()
    ]
