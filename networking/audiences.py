"""What networking adds to the audience of a message to a group (see events.messaging.audiences):
the attendees whose municipality signed up for an offer (an accepted place)."""

from django.utils.translation import gettext_lazy as _

from events.messaging.audiences import FILTERS, AudienceFilter
from events.models import Event, Registration
from networking.models import Offer, Signup


def choices(event: Event) -> list[tuple[str, str]]:
    return [(str(offer.pk), offer.title) for offer in Offer.objects.filter(event=event)]


def registrations(event: Event, value: str) -> list[int] | None:
    if not value.isdigit() or not Offer.objects.filter(event=event, pk=int(value)).exists():
        return None
    municipalities = Signup.objects.filter(offer_id=int(value), status=Signup.Status.ACCEPTED).values(
        "municipality_id"
    )
    return list(
        Registration.objects.filter(event=event, municipality_id__in=municipalities).values_list(
            "pk", flat=True
        )
    )


FILTERS.register(
    AudienceFilter(
        key="offer",
        label=_("Their municipality signed up for"),
        empty_label=_("Any offer or none"),
        choices=choices,
        registrations=registrations,
    )
)
