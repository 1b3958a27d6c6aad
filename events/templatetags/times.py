"""`{{ moment|clock }}` → "11:05" on the event's clock (events.times), for datetimes, times of day
and the ISO strings of the dashboard's figures alike. `{{ moment|clock:"seconds" }}` → "11:05:09"."""

from django import template

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
