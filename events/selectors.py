"""Read queries of the core, shared by pages, API and other apps."""

import hmac

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from events import mail
from events.models import Event, Municipality, OutboundEmail, Registration, Workshop, secret_hash


def current_event() -> Event:
    event = Event.objects.current()
    if event is None:
        raise Http404("no event")
    return event


def registration_for_token(manage_token: str) -> Registration:
    """The registration behind a private link, or 404. Found by the token's hash (an index lookup
    that leaks nothing useful through timing), then compared in constant time."""
    registration = (
        Registration.objects.select_related("event", "municipality")
        .filter(manage_token_hash=secret_hash(manage_token))
        .first()
    )
    if registration is None or not hmac.compare_digest(registration.manage_token, manage_token):
        raise Http404("unknown manage token")
    return registration


def registered_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()


def search_municipalities(query: str = "") -> QuerySet[Municipality]:
    """By name prefix (also after "'s-" or a word boundary) or by CBS code."""
    query = query.strip()
    municipalities = Municipality.objects.all()
    if not query:
        return municipalities
    code = query.upper()
    if code.startswith("GM") or code.isdigit():
        digits = code.removeprefix("GM")
        return (
            municipalities.filter(code__startswith="GM" + digits)
            if digits.isdigit()
            else municipalities.none()
        )
    return municipalities.filter(
        Q(name__istartswith=query) | Q(name__icontains=" " + query) | Q(name__icontains="-" + query)
    )


def programme(event: Event) -> list:
    """The rounds of the day in order, each with its sessions (`round.sessions`) and seat counts."""
    sessions: dict[int, list[Workshop]] = {}
    for workshop in Workshop.objects.programme(event):
        sessions.setdefault(workshop.round_id, []).append(workshop)
    rounds = list(event.rounds.order_by("starts_at"))
    for round_ in rounds:
        round_.sessions = sessions.get(round_.pk, [])
    return rounds


def outbox_status() -> dict[str, int]:
    """E-mails still to go out and those that failed for good (counts only: no addresses, since
    scanner devices see the dashboard too)."""
    return OutboundEmail.objects.filter(sent_at__isnull=True).aggregate(
        queued=Count("pk", filter=mail.QUEUED), failed=Count("pk", filter=mail.FAILED)
    )
