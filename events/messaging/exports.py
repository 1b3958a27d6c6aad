"""Who opted out of messages to a group, as a list for the organisers (events.exports)."""

from django.utils.translation import gettext as _

from events.exports import Table
from events.messaging import services
from events.models import Event
from events.times import local_time


def opt_outs_table(event: Event) -> Table:
    return Table(
        title=_("Opted out of messages"),
        filename="afgemeld-voor-berichten",
        columns=[_("Name"), _("Municipality or organisation"), _("Reference"), _("Opted out at")],
        rows=[
            [
                choice.registration.full_name,
                choice.registration.affiliation,
                choice.registration.reference,
                local_time(choice.opted_out_at),
            ]
            for choice in services.opt_outs(event)
        ],
    )
