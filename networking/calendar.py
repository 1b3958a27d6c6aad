"""Networking's entries in an attendee's personal calendar (see events.ical): their agreed 1:1
meetings and advisers' intakes (as adviser or as booker), and the ones called off after they were
agreed, as cancellations."""

from django.db.models import Q
from django.utils.translation import gettext as _

from events.ical import PERSONAL_ENTRIES, CalendarEntry
from events.models import Registration
from networking.models import Intake, Meeting


@PERSONAL_ENTRIES.register
def appointments(registration: Registration) -> list[CalendarEntry]:
    if not registration.is_confirmed:
        return []
    return meetings(registration) + intakes(registration)


def meetings(registration: Registration) -> list[CalendarEntry]:
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


def intakes(registration: Registration) -> list[CalendarEntry]:
    rows = Intake.objects.involving(registration).select_related("slot", "adviser", "municipality")
    venue = registration.event.venue
    entries = []
    for intake in rows:
        if intake.adviser_id == registration.pk:
            summary = _("Intake with %(municipality)s (%(name)s)") % {
                "municipality": intake.municipality.name,
                "name": intake.booker_name,
            }
        else:
            summary = _("Intake with adviser %(name)s") % {"name": intake.adviser.full_name}
        entries.append(
            CalendarEntry(
                uid=str(intake.uid),
                sequence=intake.sequence,
                summary=summary,
                starts_at=intake.slot.starts_at,
                ends_at=intake.slot.ends_at,
                updated_at=intake.updated_at,
                location=venue,
                cancelled=intake.state == Intake.State.CANCELLED,
            )
        )
    return entries
