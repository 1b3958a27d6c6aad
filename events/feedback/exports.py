"""The feedback as a list for organisers (see events.exports): one row per rating, without who
gave it (the speakers get the same comments)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.exports import EXPORTS, Export, Table
from events.feedback.models import Feedback
from events.models import Event
from events.times import local_time


def feedback(event: Event) -> Table:
    rows = [
        [
            item.workshop.round.label,
            item.workshop.title,
            item.rating,
            item.comment,
            local_time(item.updated_at),
        ]
        for item in Feedback.objects.filter(workshop__round__event=event)
        .select_related("workshop__round")
        .order_by("workshop__round__starts_at", "workshop__title", "created_at", "pk")
    ]
    columns = [_("Round"), _("Session"), _("Rating"), _("Comment"), _("Given at")]
    return Table(_("Feedback"), "feedback", columns, rows)


EXPORTS.register(Export("feedback", gettext_lazy("Feedback on the sessions"), feedback))
