"""Choosing a group of attendees and mailing them through the outbox."""

import uuid
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import attendance, audit, outbox
from events.errors import InvalidInput
from events.messaging.models import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH, GroupMessage
from events.models import Booking, Event, Registration

KIND = "group_message"

audit.describe({"group_message.sent": gettext_lazy("Message sent to a group")})


@dataclass(frozen=True)
class Audience:
    """Who gets the message: confirmed registrations matching every filter that is set."""

    workshop: int | None = None  # has a seat in it
    waitlisted: int | None = None  # waits for a seat in it
    role: str = ""
    municipality: str = ""  # CBS code
    checked_in: bool | None = None

    def filters(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value not in (None, "")}


def _group(event: Event, audience: Audience) -> QuerySet[Registration]:
    found: QuerySet[Registration] = Registration.objects.filter(
        event=event, status=Registration.Status.CONFIRMED
    ).select_related("event", "delegation")  # the outbox mails an address-less member's coordinator
    if audience.workshop:
        found = found.filter(bookings__workshop_id=audience.workshop, bookings__status=Booking.Status.BOOKED)
    if audience.waitlisted:
        found = found.filter(
            bookings__workshop_id=audience.waitlisted, bookings__status=Booking.Status.WAITLISTED
        )
    if audience.role:
        found = found.filter(role=audience.role)
    if audience.municipality:
        found = found.filter(municipality_id=audience.municipality)
    found = found.distinct().order_by("pk")
    if audience.checked_in is not None:
        arrived = attendance.entrances(found.values_list("pk", flat=True))
        found = found.filter(pk__in=arrived) if audience.checked_in else found.exclude(pk__in=arrived)
    return found


def recipients(event: Event, audience: Audience) -> list[Registration]:
    """The registrations the message goes to, by id (the preview count is its length)."""
    return list(_group(event, audience))


def check(subject: str, body: str) -> tuple[str, str]:
    subject, body = " ".join((subject or "").split()), (body or "").strip()
    errors: dict[str, list[str]] = {}
    if not subject:
        errors["subject"] = [_("Write a subject.")]
    elif len(subject) > SUBJECT_MAX_LENGTH:
        errors["subject"] = [_("At most %(max)d characters.") % {"max": SUBJECT_MAX_LENGTH}]
    if not body:
        errors["body"] = [_("Write the message.")]
    elif len(body) > BODY_MAX_LENGTH:
        errors["body"] = [_("At most %(max)d characters.") % {"max": BODY_MAX_LENGTH}]
    if errors:
        raise InvalidInput(errors)
    return subject, body


def send_test(event: Event, *, subject: str, body: str, audience: Audience, to: str) -> bool:
    """Mail the message to `to` as its first recipient would get it, with the links of the site
    instead of theirs (their private link is theirs alone). False: the group is empty."""
    subject, body = check(subject, body)
    first = _group(event, audience).first() if to else None
    if first is None:
        return False
    with transaction.atomic():
        outbox.queue(
            KIND, to=to, registration=first, context={"subject": subject, "body": body, "test": True}
        )
    return True


@dataclass(frozen=True)
class Composed:
    """What the organisers' page shows after a POST: the message sent, or the preview of the group
    (its size and first member) with, after a test, whether the test went out."""

    sent: GroupMessage | None = None
    count: int = 0
    first: Registration | None = None
    test_sent: bool | None = None


class _GroupChanged(Exception):
    """The group is not the size the preview showed: show the preview again instead of sending."""

    def __init__(self, people: list[Registration]):
        super().__init__()
        self.people = people


def compose(
    event: Event,
    *,
    action: str,
    subject: str,
    body: str,
    audience: Audience,
    expected: int | None = None,
    by=None,
    submission: uuid.UUID | None = None,
) -> Composed:
    """The page's preview / test / send, counting the group once. "send" sends only when the group
    is still the `expected` size the preview showed; otherwise (and for "preview") the preview is
    shown again. "test" mails the message to `by` as the group's first member would get it."""
    if action == "send" and expected is not None:  # no number: the page has not shown a preview
        try:
            return Composed(
                sent=send_to_group(
                    event,
                    subject=subject,
                    body=body,
                    audience=audience,
                    by=by,
                    submission=submission,
                    expected=expected,
                )
            )
        except _GroupChanged as changed:  # send_to_group checked the subject and body already
            people = changed.people
            return Composed(count=len(people), first=people[0] if people else None)
    subject, body = check(subject, body)
    group = _group(event, audience)
    count, first = group.count(), group.first()
    test_sent = None
    if action == "test":
        test_sent = send_test(
            event, subject=subject, body=body, audience=audience, to=getattr(by, "email", "")
        )
    return Composed(count=count, first=first, test_sent=test_sent)


def send_to_group(
    event: Event,
    *,
    subject: str,
    body: str,
    audience: Audience,
    by=None,
    submission: uuid.UUID | None = None,
    expected: int | None = None,
) -> GroupMessage:
    """Queue one mail per recipient, in their language with their own links; the group is fixed now.
    The same `submission` twice sends once (the second call returns the first message). With
    `expected`, a group of another size is not sent to (compose shows it again)."""
    subject, body = check(subject, body)
    if submission is not None:
        earlier = GroupMessage.objects.filter(submission=submission).first()
        if earlier is not None:
            return earlier
    try:
        return _send(event, subject, body, audience, by, submission, expected)
    except IntegrityError:  # the same submission committed meanwhile
        return GroupMessage.objects.get(submission=submission)


def _send(event, subject, body, audience, by, submission, expected) -> GroupMessage:
    with transaction.atomic():
        people = recipients(event, audience)
        if expected is not None and len(people) != expected:
            raise _GroupChanged(people)
        if not people:
            raise InvalidInput({"__all__": [_("Nobody matches these choices.")]})
        message = GroupMessage.objects.create(
            event=event,
            subject=subject,
            body=body,
            audience=audience.filters(),
            recipients=len(people),
            sent_by=by if by is not None and by.is_authenticated else None,
            submission=submission,
        )
        for person in people:
            outbox.queue(KIND, to=person.email, registration=person, context={"message": message.pk})
        audit.log(message, "group_message.sent", data={"recipients": len(people), **audience.filters()})
    return message
