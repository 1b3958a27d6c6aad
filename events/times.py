"""Times as people read them: always the event's wall clock (Europe/Amsterdam, settings.TIME_ZONE),
never UTC, whatever zone a moment was stored or sent in.

The one place that formats a moment for people: templates use the `clock` filter
(events/templatetags/times.py), exports `local_time`, and the browser events/static/events/times.js.
"""

from datetime import datetime, time

from django.utils import timezone


def local(moment: datetime) -> datetime:
    """`moment` in the event's time zone (a naive moment is taken to be wall-clock time already)."""
    if timezone.is_naive(moment):
        return moment
    return timezone.localtime(moment, timezone.get_default_timezone())


def parse(value: datetime | time | str | None) -> datetime | time | None:
    """A moment from a datetime, a time of day or an ISO 8601 string (the figures of the stats API)."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return local(value) if isinstance(value, datetime) else value


def clock(value: datetime | time | str | None, seconds: bool = False) -> str:
    """ "11:05" (or "11:05:09") on the event's clock; "" for no moment."""
    moment = parse(value)
    if moment is None:
        return ""
    return moment.strftime("%H:%M:%S" if seconds else "%H:%M")


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the event's offset ("…T11:00:00+01:00"), for machines that also show it."""
    return local(moment).isoformat() if moment else None


def local_time(moment: datetime | None) -> datetime | None:
    """Local wall-clock time without a zone: what a spreadsheet cell shows."""
    return local(moment).replace(tzinfo=None, microsecond=0) if moment else None
