"""Lists the organisers download from the dashboard (`/dashboard/export/<kind>.<fmt>`), registered
by the apps in their `exports.py` (see events.registry): checkin's attendees, door lists and
check-ins, networking's signups. Each builds a `Table`; checkin renders it as CSV or XLSX.

Only what an organiser needs leaves the system: never badge secrets, manage tokens or hashes;
e-mail addresses only where someone will write to them (the attendee list, the signup contacts).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from events.models import Event
from events.registry import Registry


@dataclass(frozen=True)
class Table:
    title: str
    filename: str
    columns: list[str]
    rows: list[list]


@dataclass(frozen=True)
class Export:
    kind: str  # in the URL
    title: str | Promise  # on the lists page
    build: Callable[[Event], Table]


EXPORTS: Registry[Export] = Registry("exports")


# The core's own lists: polls and questions in the room, who opted out of messages.
from events.messaging.exports import opt_outs_table  # noqa: E402
from events.room.exports import polls_table, questions_table  # noqa: E402

EXPORTS.register(Export("polls", gettext_lazy("Poll results"), polls_table))
EXPORTS.register(Export("questions", gettext_lazy("Questions in the room"), questions_table))
EXPORTS.register(Export("opt_outs", gettext_lazy("Opted out of messages"), opt_outs_table))
