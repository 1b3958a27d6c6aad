"""Public API of the networking app: Democratie in Actie's offers to municipalities."""

from django.http import HttpRequest
from ninja import Router

from events.schemas import error_responses
from events.selectors import current_event
from networking import selectors
from networking.schemas import OfferOut

router = Router(tags=["networking"])


@router.get(
    "offers", response={200: list[OfferOut], **error_responses(404)}, summary="Offers and places taken"
)
def list_offers(request: HttpRequest):
    return selectors.offers(current_event())
