"""Networking's entries in an attendee's personal calendar (see events.ical): their agreed 1:1
meetings, and the ones called off after they were agreed, as cancellations."""

from django.db.models import Q
from django.utils.translation import gettext as _

from events.ical import PERSONAL_ENTRIES, CalendarEntry
from events.models import Registration
from networking.models import Meeting


@PERSONAL_ENTRIES.register
def meetings(registration: Registration) -> list[CalendarEntry]:
    if not registration.is_confirmed:
        return []
    rows = (
        Meeting.objects.involving(registration)
        .filter(Q(state=Meeting.State.ACCEPTED) | Q(state=Meeting.State.CANCELLED, accepted_at__isnull=False))
        .select_related("slot", "table", "requester", "invitee")
    )
    venue = registration.event.venue
    entries = []
    for meeting in rows:
        other = meeting.other(registration)
        description = "\n\n".join(text for text in (meeting.message, meeting.cancel_message) if text)
        entries.append(
            CalendarEntry(
                uid=str(meeting.uid),
                sequence=meeting.sequence,
                summary=_("Meeting with %(name)s") % {"name": other.full_name},
                starts_at=meeting.slot.starts_at,
                ends_at=meeting.slot.ends_at,
                updated_at=meeting.updated_at,
                location=", ".join(part for part in (str(meeting.table), venue) if part),
                description=description,
                cancelled=meeting.state == Meeting.State.CANCELLED,
            )
        )
    return entries
