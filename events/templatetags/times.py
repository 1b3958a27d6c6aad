"""`{{ moment|clock }}` → "11:05" on the event's clock (events.times), for datetimes, times of day
and the ISO strings of the dashboard's figures alike. `{{ moment|clock:"seconds" }}` → "11:05:09";
`{{ moment|day_and_clock }}` → "3 december 11:05" for a moment that need not be on the day itself."""

from django import template
from django.utils.formats import date_format

from events import times

register = template.Library()


@register.filter
def clock(value, precision: str = "") -> str:
    return times.clock(value, seconds=precision == "seconds")


@register.filter
def moment(value):
    """`{{ figures.next_at|moment|date:"j F" }}`: an ISO string of the figures as a moment on the
    event's clock, for the `date` filter."""
    return times.parse(value)


@register.filter
def day_and_clock(value) -> str:
    moment = times.parse(value)
    return f"{date_format(moment, 'j F')} {times.clock(moment)}" if moment else ""
