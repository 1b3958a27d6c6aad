"""Filters other apps add to the audience of a message to a group (an events.registry place).

The core knows workshops, rounds, roles, municipalities, delegations and check-in; an app built on
it (networking's offers) registers an `AudienceFilter` in its `audiences.py`. The organisers' form
shows one choice per filter present; a chosen value narrows the group to the registrations the
filter returns."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from events.models import Event
from events.registry import Registry


@dataclass(frozen=True)
class AudienceFilter:
    key: str  # in the form (field "extra_<key>") and in the message's stored audience
    label: str
    empty_label: str
    # (value, label) pairs to choose from for an edition.
    choices: Callable[[Event], list[tuple[str, str]]]
    # The ids of the edition's registrations matching a value (None: not a valid value).
    registrations: Callable[[Event, str], Iterable[int] | None]


FILTERS: Registry[AudienceFilter] = Registry("audiences")


def by_key() -> dict[str, AudienceFilter]:
    return {item.key: item for item in FILTERS}
