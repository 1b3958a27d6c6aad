"""Read queries of the core, shared by pages, API and other apps."""

import hmac

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from events import outbox
from events.models import (
    Booking,
    Delegation,
    Event,
    InvitationCode,
    Municipality,
    OutboundEmail,
    Registration,
    Workshop,
    WorkshopHold,
    secret_hash,
)
from events.signals import personal_data_requested
from events.times import iso


def current_event() -> Event:
    event = Event.objects.current()
    if event is None:
        raise Http404("no event")
    return event


def registration_for_token(manage_token: str) -> Registration:
    """The registration behind a private link, or 404. Found by the token's hash (an index lookup
    that leaks nothing useful through timing), then compared in constant time."""
    registration = _registration_by_hash("manage_token", manage_token)
    if registration is None:
        raise Http404("unknown manage token")
    return registration


def delegation_for_token(manage_token: str) -> Delegation:
    """The delegation behind the coordinator's private link, or 404; found and compared as
    registration_for_token does."""
    delegation = (
        Delegation.objects.select_related("event", "municipality")
        .filter(manage_token_hash=secret_hash(manage_token))
        .first()
    )
    if delegation is None or not hmac.compare_digest(delegation.manage_token, manage_token):
        raise Http404("unknown delegation token")
    return delegation


def _registration_by_hash(field: str, token: str, **filters) -> Registration | None:
    registration = (
        Registration.objects.select_related("event", "municipality")
        .filter(**{f"{field}_hash": secret_hash(token)}, erased_at__isnull=True, **filters)
        .first()
    )
    if registration is None or not hmac.compare_digest(getattr(registration, field), token):
        return None
    return registration


def registration_for_read_only_token(field: str, token: str) -> Registration:
    """The registration behind a calendar feed (`field` "calendar_token") or a badge image
    ("badge_token"), or 404. Links handed out before these had tokens of their own carry the manage
    token: it opens them while `manage_token_opens_feeds` holds."""
    registration = _registration_by_hash(field, token) or _registration_by_hash(
        "manage_token", token, manage_token_opens_feeds=True
    )
    if registration is None:
        raise Http404("unknown token")
    return registration


def bookings_of(registration: Registration) -> list[Booking]:
    """The registration's bookings by time, each with its waitlist `position` (None for a seat) and,
    for a place waiting to swap, `keeps`: the booking kept in that round meanwhile."""
    bookings = list(
        registration.bookings.select_related("workshop__room", "workshop__round").order_by(
            "round__starts_at", "swap", "pk"
        )
    )
    seats = {booking.round_id: booking for booking in bookings if not booking.swap}
    for booking in bookings:
        booking.position = booking.waitlist_position()
        booking.keeps = seats.get(booking.round_id) if booking.swap else None
    return bookings


def programme_lines(registration: Registration, bookings: list[Booking]) -> list[dict]:
    """The attendee's day in the order of the clock: plenary sessions and their own workshops
    (with the booking, for its status)."""
    lines = [
        {"workshop": workshop, "booking": None}
        for workshop in Workshop.objects.filter(
            round__event_id=registration.event_id, round__kind="plenary", status=Workshop.Status.SCHEDULED
        ).select_related("round", "room")
    ]
    lines += [{"workshop": booking.workshop, "booking": booking} for booking in bookings]
    return sorted(lines, key=lambda line: (line["workshop"].round.starts_at, line["workshop"].title))


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


def invitation_code(event: Event, text: str) -> InvitationCode | None:
    """The event's code typed as `text` (in any case, spaces around it), or None."""
    text = text.strip().upper()
    return InvitationCode.objects.filter(event=event, code=text).first() if text else None


def rounds_with_choice(event: Event, data, code: InvitationCode | None = None) -> list:
    """Workshop rounds, each with the workshop id a form chose in it (`round.chosen`), for
    events/_round_choices.html. With the `code` of the one registering, a workshop where that
    code still holds back a seat for them is marked (`workshop.held_for_code`): when it is full
    to the public it says so, as events.services.seats.free_seats would give them that seat."""
    own = {}
    if code is not None:
        own = dict(
            WorkshopHold.objects.open()
            .with_left()
            .filter(code=code, left__gt=0)
            .values_list("workshop_id", "left")
        )
    rounds = [round_ for round_ in programme(event) if round_.is_bookable]
    for round_ in rounds:
        round_.chosen = data.get(f"round-{round_.pk}", "")
        for workshop in round_.sessions:
            for_code = max(workshop.capacity - workshop.booked - workshop.held + own.get(workshop.pk, 0), 0)
            workshop.held_for_code = own.get(workshop.pk, 0) > 0 and for_code > 0
    return rounds


def outbox_status() -> dict[str, int]:
    """E-mails still to go out and those that failed for good (counts only: no addresses, since
    scanner devices see the dashboard too)."""
    return OutboundEmail.objects.filter(sent_at__isnull=True).aggregate(
        queued=Count("pk", filter=outbox.QUEUED), failed=Count("pk", filter=outbox.FAILED)
    )


# The per-person export (AVG art. 15 and 20).


def email_out(email: OutboundEmail) -> dict:
    """An outgoing e-mail as the export shows it: what and when, never the body or its secrets."""
    return {
        "kind": email.kind,
        "to": email.to,
        "subject": email.subject,
        "queued_at": iso(email.created_at),
        "sent_at": iso(email.sent_at),
        "attempts": email.attempts,
    }


def personal_data(registration: Registration) -> dict:
    """Everything held about one attendee, for themselves (through their private link) or for an
    organiser answering their request. Checkin and networking add their sections through
    events.signals.personal_data_requested (lists such as `consents` and `emails` are merged).
    Secrets are left out: the badge code, the private link and their hashes are credentials."""
    registration = Registration.objects.select_related("event", "municipality").get(pk=registration.pk)
    event, municipality = registration.event, registration.municipality
    bookings = registration.bookings.select_related("workshop__room", "round").order_by(
        "round__starts_at", "pk"
    )
    consents = [
        {
            "purpose": "privacy_statement",
            "given_at": iso(registration.privacy_accepted_at),
            "withdrawn_at": None,
        }
    ]
    data = {
        "generated_at": iso(timezone.now()),
        "event": {
            "name": event.name,
            "date": event.date.isoformat(),
            "venue": event.venue,
            "contact_email": event.contact_email,
        },
        "registration": {
            "reference": registration.reference,
            "status": registration.status,
            "first_name": registration.first_name,
            "last_name": registration.last_name,
            "email": registration.email,
            "role": registration.role,
            "role_label": str(registration.get_role_display()),
            "municipality": {
                "code": municipality.code,
                "name": municipality.name,
                "province": municipality.province,
            }
            if municipality
            else None,
            "organisation": registration.organisation,
            "needs": registration.needs,
            "registered_at": iso(registration.created_at),
            "changed_at": iso(registration.updated_at),
            "cancelled_at": iso(registration.cancelled_at),
        },
        "consents": consents,
        "bookings": [
            {
                "workshop": {"id": booking.workshop_id, "title": booking.workshop.title},
                "round": booking.round.label,
                "starts_at": iso(booking.round.starts_at),
                "room": booking.workshop.room.name,
                "status": booking.status,
                "waitlist_position": booking.waitlist_position(),
                "booked_at": iso(booking.created_at),
            }
            for booking in bookings
        ],
        "emails": [email_out(email) for email in registration.emails.order_by("created_at", "pk")],
    }
    for _receiver, sections in personal_data_requested.send(sender=Registration, registration=registration):
        for key, value in (sections or {}).items():
            if isinstance(data.get(key), list):
                data[key].extend(value)
            else:
                data[key] = value
    return data
