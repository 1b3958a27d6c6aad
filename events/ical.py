"""iCalendar feeds: the whole programme, one attendee's day, one workshop.

UIDs come from the workshop's own UUID and never change; SEQUENCE is the workshop's sequence, so
a moved workshop updates in calendars that imported or subscribed to it.

The apps built on the core add their own appointments to an attendee's calendar (networking's
meetings) through `PERSONAL_ENTRIES` (see events.registry), registered in their `calendar.py`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Booking, Event, Registration, Workshop
from events.registry import Registry
from events.validators import on_one_line

PRODID = "-//Dag van de Lokale Democratie//Programma//NL"
UID_DOMAIN = "dagvandelokaledemocratie.nl"
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class CalendarEntry:
    """An appointment an app adds to an attendee's calendar. `uid` is its own, for good (the domain
    is added); a cancelled one goes out as STATUS:CANCELLED with a raised `sequence`."""

    uid: str
    sequence: int
    summary: str
    starts_at: datetime
    ends_at: datetime
    updated_at: datetime
    location: str = ""
    description: str = ""
    cancelled: bool = False


# Functions (registration) -> its entries, for the attendee's personal calendar.
PERSONAL_ENTRIES: Registry[Callable[[Registration], Iterable[CalendarEntry]]] = Registry("calendar")


def _amsterdam_vtimezone() -> icalendar.Timezone:
    """Compact rule-based VTIMEZONE, the form Google, Outlook and Apple export themselves."""
    tz = icalendar.Timezone()
    tz.add("tzid", "Europe/Amsterdam")
    tz.add("x-lic-location", "Europe/Amsterdam")
    daylight = icalendar.TimezoneDaylight()
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("tzname", "CEST")
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    standard = icalendar.TimezoneStandard()
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("tzname", "CET")
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def _calendar(event: Event, name: str) -> icalendar.Calendar:
    # The name is not escaped as text: a line break in it (a name stored before names were checked,
    # events.validators) would break the file.
    name = on_one_line(name)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", event.timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    return calendar


def _finish(calendar: icalendar.Calendar, event: Event) -> bytes:
    if event.timezone == "Europe/Amsterdam":
        calendar.add_component(_amsterdam_vtimezone())
    else:
        calendar.add_missing_timezones()
    # VTIMEZONE conventionally precedes the events that use it.
    calendar.subcomponents.sort(key=lambda component: component.name != "VTIMEZONE")
    return calendar.to_ical()


def programme_url(workshop: Workshop) -> str:
    return f"{settings.SITE_URL}{reverse('events:home')}#{workshop.slug}"


def _vevent(
    workshop: Workshop, event: Event, stamp: datetime, *, personal_sequence: int = 0, dropped: bool = False
) -> icalendar.Event:
    """One workshop as a VEVENT. In a person's calendar its SEQUENCE adds their own changes
    (`Registration.calendar_sequence`), and a workshop they no longer attend goes out `dropped`:
    STATUS:CANCELLED under the same UID, which removes it from a calendar that imported it."""
    tz = ZoneInfo(event.timezone)
    vevent = icalendar.Event()
    vevent.add("uid", f"{workshop.uid}@{UID_DOMAIN}")
    vevent.add("dtstamp", stamp)
    vevent.add("last-modified", workshop.updated_at.astimezone(UTC))
    vevent.add("sequence", workshop.sequence + personal_sequence)
    vevent.add("summary", workshop.title)
    vevent.add("dtstart", workshop.round.starts_at.astimezone(tz))
    vevent.add("dtend", workshop.round.ends_at.astimezone(tz))
    vevent.add("location", ", ".join(part for part in (workshop.room.name, event.full_address) if part))
    if event.has_geo:
        vevent.add("geo", (float(event.venue_latitude), float(event.venue_longitude)))
    speakers = ", ".join(speaker.name for speaker in workshop.speakers.all())
    description = workshop.description
    if speakers:
        # Not inside the f-string: makemessages cannot see a gettext call there.
        label = _("Speakers")
        description = f"{description}\n\n{label}: {speakers}".strip()
    vevent.add("description", description)
    vevent.add("url", programme_url(workshop))
    cancelled = dropped or workshop.status == Workshop.Status.CANCELLED
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return vevent


def _entry_vevent(entry: CalendarEntry, event: Event, stamp: datetime) -> icalendar.Event:
    tz = ZoneInfo(event.timezone)
    vevent = icalendar.Event()
    vevent.add("uid", f"{entry.uid}@{UID_DOMAIN}")
    vevent.add("dtstamp", stamp)
    vevent.add("last-modified", entry.updated_at.astimezone(UTC))
    vevent.add("sequence", entry.sequence)
    vevent.add("summary", entry.summary)
    vevent.add("dtstart", entry.starts_at.astimezone(tz))
    vevent.add("dtend", entry.ends_at.astimezone(tz))
    if entry.location:
        vevent.add("location", entry.location)
    if entry.description:
        vevent.add("description", entry.description)
    vevent.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    vevent.add("transp", "TRANSPARENT" if entry.cancelled else "OPAQUE")
    return vevent


def _workshops(event: Event):
    return (
        Workshop.objects.filter(round__event=event)
        .select_related("round", "room")
        .prefetch_related("speakers")
    )


def programme_calendar(event: Event) -> bytes:
    calendar = _calendar(event, event.name)
    stamp = timezone.now().astimezone(UTC)
    for workshop in _workshops(event).order_by("round__starts_at", "title"):
        calendar.add_component(_vevent(workshop, event, stamp))
    return _finish(calendar, event)


def personal_workshops(registration: Registration) -> list[Workshop]:
    """An attendee's day: the plenary sessions and the workshops they have a seat in, plus
    workshops of theirs that were cancelled (shown as STATUS:CANCELLED so calendars drop them).
    Waitlist places are not in it: they are not appointments yet."""
    if not registration.is_confirmed:
        return []
    booked = Booking.objects.filter(
        registration=registration, status__in=[Booking.Status.BOOKED, Booking.Status.WORKSHOP_CANCELLED]
    ).values("workshop")
    day = _workshops(registration.event).filter(Q(round__kind="plenary") | Q(pk__in=booked))
    return sorted(day, key=lambda workshop: (workshop.round.starts_at, workshop.title))


def personal_calendar(
    registration: Registration, workshops: list[Workshop] | None = None, dropped: Iterable[int] = ()
) -> bytes:
    """The attendee's calendar: their day (`workshops` when the caller has `personal_workshops`
    already), and the workshops in `dropped` (ids) they no longer attend, as cancellations. A dropped
    workshop that is in their day again is simply in it."""
    event = registration.event
    calendar = _calendar(event, f"{event.name} – {registration.full_name}")
    stamp = timezone.now().astimezone(UTC)
    day = personal_workshops(registration) if workshops is None else workshops
    sequence = registration.calendar_sequence
    for workshop in day:
        calendar.add_component(_vevent(workshop, event, stamp, personal_sequence=sequence))
    in_day = {workshop.pk for workshop in day}
    for workshop in _workshops(event).filter(pk__in=set(dropped) - in_day).order_by("round__starts_at"):
        calendar.add_component(_vevent(workshop, event, stamp, personal_sequence=sequence, dropped=True))
    for entries in PERSONAL_ENTRIES:
        for entry in entries(registration):
            calendar.add_component(_entry_vevent(entry, event, stamp))
    return _finish(calendar, event)


def workshop_calendar(workshop: Workshop) -> bytes:
    event = workshop.round.event
    calendar = _calendar(event, workshop.title)
    calendar.add_component(_vevent(workshop, event, timezone.now().astimezone(UTC)))
    return _finish(calendar, event)
