"""Choosing a group of attendees and mailing them through the outbox."""

import uuid
from dataclasses import asdict, dataclass, fields

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import attendance, audit, outbox
from events.errors import InvalidInput
from events.messaging import audiences
from events.messaging.models import (
    BODY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    GroupMessage,
    GroupMessageRecipient,
    MessageOptOut,
)
from events.models import Booking, Event, OutboundEmail, Registration

KIND = outbox.throttled("group_message")
OPT_OUT_SALT = "events.messaging.opt-out"

audit.describe(
    {
        "group_message.sent": gettext_lazy("Message sent to a group"),
        "group_message.resent": gettext_lazy("Failed mails of a message sent again"),
        "messages.opted_out": gettext_lazy("Opted out of messages"),
        "messages.opted_in": gettext_lazy("Receives messages again"),
    }
)


@dataclass(frozen=True)
class Audience:
    """Who gets the message: confirmed registrations matching every filter that is set."""

    workshop: int | None = None  # has a seat in it
    waitlisted: int | None = None  # waits for a seat in it
    round: int | None = None  # has a seat in a workshop of it
    role: str = ""
    municipality: str = ""  # CBS code
    province: str = ""  # of the municipality
    delegation: int | None = None  # a member of it
    checked_in: bool | None = None
    # ((key, value), …) of filters other apps add (events.messaging.audiences), e.g. ("offer", "3").
    extra: tuple[tuple[str, str], ...] = ()

    def filters(self) -> dict:
        found = {
            key: value for key, value in asdict(self).items() if key != "extra" and value not in (None, "")
        }
        return {**found, **dict(self.extra)}

    @classmethod
    def from_filters(cls, filters: dict) -> "Audience":
        """The audience `filters()` stored (a scheduled mail's): the core's keys, the rest extra."""
        own = {field.name for field in fields(cls)} - {"extra"}
        return cls(
            **{key: value for key, value in filters.items() if key in own},
            extra=tuple((key, str(value)) for key, value in filters.items() if key not in own),
        )


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
    if audience.round:
        found = found.filter(
            bookings__workshop__round_id=audience.round, bookings__status=Booking.Status.BOOKED
        )
    if audience.role:
        found = found.filter(role=audience.role)
    if audience.municipality:
        found = found.filter(municipality_id=audience.municipality)
    if audience.province:
        found = found.filter(municipality__province=audience.province)
    if audience.delegation:
        found = found.filter(delegation_id=audience.delegation)
    known = audiences.by_key()
    for key, value in audience.extra:
        ids = known[key].registrations(event, value) if key in known else None
        if ids is None:
            raise InvalidInput({"__all__": [_("This choice of recipients is not known.")]})
        found = found.filter(pk__in=list(ids))
    found = found.distinct().order_by("pk")
    if audience.checked_in is not None:
        arrived = attendance.entrances(found.values_list("pk", flat=True))
        found = found.filter(pk__in=arrived) if audience.checked_in else found.exclude(pk__in=arrived)
    return found


def _reachable(group: QuerySet[Registration], practical: bool) -> QuerySet[Registration]:
    """Those of the group the message goes to: a practical one to all, another not to those who
    opted out of messages."""
    return group if practical else group.filter(message_opt_out__isnull=True)


def recipients(event: Event, audience: Audience, *, practical: bool = False) -> list[Registration]:
    """The registrations the message goes to, by id (the preview count is its length)."""
    return list(_reachable(_group(event, audience), practical))


def left_out(event: Event, audience: Audience, *, practical: bool = False) -> int:
    """How many match the filters but do not get the message (they opted out)."""
    return 0 if practical else _group(event, audience).filter(message_opt_out__isnull=False).count()


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


def send_test(
    event: Event, *, subject: str, body: str, audience: Audience, to: str, practical: bool = False
) -> bool:
    """Mail the message to `to` as its first recipient would get it, with the links of the site
    instead of theirs (their private link is theirs alone). False: the group is empty."""
    subject, body = check(subject, body)
    first = _reachable(_group(event, audience), practical).first() if to else None
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
    left_out: int = 0  # match the filters but opted out of messages


class _GroupChanged(Exception):
    """The group is not the size the preview showed: show the preview again instead of sending."""

    def __init__(self, people: list[Registration], left_out: int):
        super().__init__()
        self.people = people
        self.left_out = left_out


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
    practical: bool = False,
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
                    practical=practical,
                )
            )
        except _GroupChanged as changed:  # send_to_group checked the subject and body already
            people = changed.people
            return Composed(count=len(people), first=people[0] if people else None, left_out=changed.left_out)
    subject, body = check(subject, body)
    group = _reachable(_group(event, audience), practical)
    count, first = group.count(), group.first()
    test_sent = None
    if action == "test":
        test_sent = send_test(
            event,
            subject=subject,
            body=body,
            audience=audience,
            to=getattr(by, "email", ""),
            practical=practical,
        )
    return Composed(
        count=count,
        first=first,
        test_sent=test_sent,
        left_out=left_out(event, audience, practical=practical),
    )


def send_to_group(
    event: Event,
    *,
    subject: str,
    body: str,
    audience: Audience,
    by=None,
    submission: uuid.UUID | None = None,
    expected: int | None = None,
    practical: bool = False,
) -> GroupMessage:
    """Queue one mail per recipient, in their language with their own links; the group is fixed now.
    The same `submission` twice sends once (the second call returns the first message). With
    `expected`, a group of another size is not sent to (compose shows it again). Unless `practical`
    (about their bookings), those who opted out of messages are left out. The recipients are stored
    with their mails (GroupMessageRecipient), which go out at GROUP_MAIL_RATE_PER_MINUTE."""
    subject, body = check(subject, body)
    if submission is not None:
        earlier = GroupMessage.objects.filter(submission=submission).first()
        if earlier is not None:
            return earlier
    try:
        return _send(event, subject, body, audience, by, submission, expected, practical)
    except IntegrityError:  # the same submission committed meanwhile
        return GroupMessage.objects.get(submission=submission)


def _send(event, subject, body, audience, by, submission, expected, practical) -> GroupMessage:
    with transaction.atomic():
        people = recipients(event, audience, practical=practical)
        skipped = left_out(event, audience, practical=practical)
        if expected is not None and len(people) != expected:
            raise _GroupChanged(people, skipped)
        if not people:
            raise InvalidInput({"__all__": [_("Nobody matches these choices.")]})
        return queue_to_group(
            event,
            people,
            subject=subject,
            body=body,
            audience=audience,
            practical=practical,
            left_out=skipped,
            by=by,
            submission=submission,
        )


def queue_to_group(
    event: Event,
    people: list[Registration],
    *,
    subject: str,
    body: str,
    audience: Audience,
    practical: bool,
    left_out: int,
    by=None,
    submission: uuid.UUID | None = None,
    kind: str = KIND,
) -> GroupMessage:
    """Store the message with its fixed recipients and queue one mail of the throttled `kind` to
    each (context `{"message": id}`), inside the caller's transaction. A scheduled mail sends
    through here too (events.messaging.scheduling), the built-in reminder with a kind of its own."""
    message = GroupMessage.objects.create(
        event=event,
        subject=subject,
        body=body,
        audience=audience.filters(),
        recipients=len(people),
        practical=practical,
        left_out=left_out,
        sent_by=by if by is not None and by.is_authenticated else None,
        submission=submission,
    )
    emails = outbox.queue_throttled(
        kind, [(person.email, person, {"message": message.pk}) for person in people]
    )
    GroupMessageRecipient.objects.bulk_create(
        [
            GroupMessageRecipient(message=message, registration=person, email=email)
            for person, email in zip(people, emails, strict=True)
        ]
    )
    audit.log(
        message,
        "group_message.sent",
        data={"recipients": len(people), "left_out": left_out, "practical": practical, **audience.filters()},
    )
    return message


@dataclass(frozen=True)
class Delivery:
    """Where a message's mails are: counts by state and each recipient's."""

    message: GroupMessage
    counts: dict[str, int]
    recipients: list[GroupMessageRecipient]


def delivery(message: GroupMessage) -> Delivery:
    rows = list(
        GroupMessageRecipient.objects.filter(message=message)
        .select_related("registration", "email")
        .order_by("registration__last_name", "registration__first_name", "pk")
    )
    counts = {state: 0 for state in GroupMessageRecipient.State.values}
    for row in rows:
        counts[row.state] += 1
    return Delivery(message=message, counts=counts, recipients=rows)


def resend_failed(message: GroupMessage) -> int:
    """Queue the message's failed mails again (a fresh series of attempts, at the group rate).
    Returns how many; a second call finds none failed and does nothing."""
    with transaction.atomic():
        failed = OutboundEmail.objects.filter(outbox.FAILED, pk__in=message.deliveries.values("email_id"))
        count = outbox.send_again_throttled(failed)
        if count:
            audit.log(message, "group_message.resent", data={"mails": count})
    return count


# Opting out of messages to a group ---------------------------------------------------------------


def opted_out(registration: Registration) -> bool:
    return MessageOptOut.objects.filter(registration=registration).exists()


def opted_out_at(registration: Registration):
    """When they opted out of messages to a group, or None."""
    return (
        MessageOptOut.objects.filter(registration=registration).values_list("opted_out_at", flat=True).first()
    )


def opt_outs(event: Event) -> QuerySet[MessageOptOut]:
    """Who of the event's current registrations opted out of messages to a group, the latest first."""
    return (
        MessageOptOut.objects.filter(
            registration__event=event, registration__status=Registration.Status.CONFIRMED
        )
        .select_related("registration__municipality")
        .order_by("-opted_out_at", "-pk")
    )


def opt_out(registration: Registration) -> MessageOptOut:
    """No more non-essential messages to a group; the first moment is kept (idempotent)."""
    with transaction.atomic():
        choice, created = MessageOptOut.objects.get_or_create(registration=registration)
        if created:
            audit.log(registration, "messages.opted_out")
    return choice


def opt_in(registration: Registration) -> None:
    with transaction.atomic():
        if MessageOptOut.objects.filter(registration=registration).delete()[0]:
            audit.log(registration, "messages.opted_in")


def opt_out_token(registration: Registration) -> str:
    """The one-click opt-out link's token: signed, so it opens nothing but this."""
    return signing.dumps(registration.pk, salt=OPT_OUT_SALT)


def registration_for_opt_out(token: str) -> Registration | None:
    try:
        pk = signing.loads(token, salt=OPT_OUT_SALT)
    except signing.BadSignature:
        return None
    return Registration.objects.filter(pk=pk, erased_at__isnull=True).first() if isinstance(pk, int) else None
