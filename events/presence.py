"""Someone is there in person: a logged-in organiser, or a kiosk or desk the organisers paired.

Some rules trust a request more when it comes from the venue's own hands: a capped place signed
up at the kiosk is final at once, a desk registers proven addresses, and paired devices are not
held to the per-address limits meant for unknown clients. The core cannot know checkin's
devices, so each app that pairs devices registers a `PresenceProvider` in its `presence.py`
(found like `admin.py`); `in_person` asks them in turn.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from .auth import is_organiser
from .registry import Registry


@dataclass(frozen=True)
class Presence:
    kind: str  # "organiser", or the device's kind, e.g. "kiosk", "desk"
    label: str  # for the audit trail: the user's name or the device's name
    event_id: int | None = None  # the edition the device belongs to; None for an organiser


# Returns the Presence the request proves, or None. Must be cheap (it runs on every limited request).
PresenceProvider = Callable[[HttpRequest], Presence | None]

PROVIDERS: Registry[PresenceProvider] = Registry("presence")


def in_person(request: HttpRequest, *, event_id: int | None = None) -> Presence | None:
    """The organiser or paired device behind `request`, if any; a device counts only for its own
    edition when `event_id` is given."""
    user = getattr(request, "user", None)
    if is_organiser(user):
        return Presence(kind="organiser", label=user.get_username())
    for provider in PROVIDERS:
        presence = provider(request)
        if presence is not None and (event_id is None or presence.event_id in (None, event_id)):
            return presence
    return None


# Who may vouch for an attendee's address: an organiser knows them, a desk has them in front of it.
# A kiosk is for municipalities' signups and is left alone by anyone passing by, so it does not.
VOUCHING_KINDS = frozenset({"organiser", "desk"})


def vouches_for_address(request: HttpRequest, *, event_id: int) -> bool:
    """Whether a registration made through `request` counts as a proven address (issue 13 §1)."""
    presence = in_person(request, event_id=event_id)
    return presence is not None and presence.kind in VOUCHING_KINDS
