"""Giving feedback on a session, the speakers' links to its results, and the reminder mail.

Only who was scanned in at a session's door may rate it (events.attendance), from the moment it
ends until FEEDBACK_DAYS later. One rating per person per session: the registration's row lock
serialises one person's submissions (two phones at once), the unique index backs it."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import attendance, audit, outbox
from events.errors import InvalidInput, ServiceError
from events.feedback.models import RATINGS, Feedback, FeedbackReminder, SpeakerLink
from events.models import Event, Registration, Speaker, Workshop, max_length, secret_hash
from events.services.seats import lock_registration

# How long after FEEDBACK_REMINDER_HOUR the morning-after reminder is still sent.
REMINDER_HOURS = 3


class FeedbackError(ServiceError):
    pass


audit.describe({"feedback.speaker_link_made": _("Speaker's link to the feedback made")})


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


def window(workshop: Workshop) -> Window:
    """From the end of the session for FEEDBACK_DAYS."""
    ends_at = workshop.round.ends_at
    return Window(ends_at, ends_at + timedelta(days=settings.FEEDBACK_DAYS))


def clean(rating, comment) -> tuple[int, str]:
    """The rating as a whole number 1–5 and the comment as plain text within its limit."""
    errors: dict[str, list[str]] = {}
    if isinstance(rating, str) and rating.strip().isdigit():
        rating = int(rating)
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS:
        errors["rating"] = [str(_("Choose a rating from 1 to 5."))]
    comment = comment if isinstance(comment, str) else "" if comment is None else None
    limit = max_length(Feedback, "comment") or 1000
    if comment is None:
        errors["comment"] = [str(_("The comment must be text."))]
    elif len(comment.strip()) > limit:
        errors["comment"] = [str(_("At most %(limit)s characters.") % {"limit": limit})]
    if errors:
        raise InvalidInput(errors)
    return rating, comment.strip().replace("\x00", "")


def give_feedback(
    registration: Registration, workshop_id: int, *, rating, comment="", now: datetime | None = None
) -> Feedback:
    """Store (or change) the attendee's feedback on one session. Errors: 422 bad input, 404 a
    session not of their event, 409 not scanned in there, not ended yet, or closed."""
    rating, comment = clean(rating, comment)
    now = now or timezone.now()
    with transaction.atomic():
        registration = lock_registration(registration)
        workshop = (
            Workshop.objects.select_related("round")
            .filter(pk=workshop_id, round__event_id=registration.event_id)
            .first()
        )
        if workshop is None:
            raise FeedbackError("unknown_workshop", _("This session does not exist."), status=404)
        if workshop.status != Workshop.Status.SCHEDULED or workshop.pk not in attendance.workshops_of(
            registration
        ):
            raise FeedbackError(
                "not_attended", _("You can only give feedback on a session you were checked in to.")
            )
        period = window(workshop)
        if now < period.opens_at:
            raise FeedbackError("not_ended", _("You can give feedback once the session has ended."))
        if now >= period.closes_at:
            raise FeedbackError("feedback_closed", _("Feedback on this session is closed."))
        feedback = Feedback.objects.filter(registration=registration, workshop=workshop).first()
        if feedback is None:
            return Feedback.objects.create(
                registration=registration, workshop=workshop, rating=rating, comment=comment
            )
        feedback.rating, feedback.comment = rating, comment
        feedback.save(update_fields=["rating", "comment", "updated_at"])
        return feedback


def make_speaker_link(speaker: Speaker, workshop: Workshop) -> str:
    """A new private link for `speaker` to `workshop`'s results; returns the token (kept only as
    its hash), and the speaker's earlier link to it stops working."""
    if not workshop.speakers.filter(pk=speaker.pk).exists():
        raise FeedbackError("not_a_speaker", _("This speaker does not give this session."), status=422)
    token = secrets.token_urlsafe(24)  # 192 bits, as the attendees' private links
    with transaction.atomic():
        link, _created = SpeakerLink.objects.update_or_create(
            speaker=speaker, workshop=workshop, defaults={"token_hash": secret_hash(token)}
        )
        audit.log(link, "feedback.speaker_link_made", event=workshop.round.event_id)
    return token


def _due_events(now: datetime) -> list[Event]:
    """Events whose morning after is now: from FEEDBACK_REMINDER_HOUR for REMINDER_HOURS. A short
    spell, so that the job (every minute, in every process) does its work for a few hours only,
    not for the whole feedback week; the hours leave room for a restart that morning."""
    hour = settings.FEEDBACK_REMINDER_HOUR
    if hour < 0:
        return []
    due = []
    # `now` may be in UTC: the event's day is one or two days before today, or today itself.
    candidates = Event.objects.filter(date__lte=now.date(), date__gte=now.date() - timedelta(days=2))
    for event in candidates:
        morning_after = datetime.combine(
            event.date + timedelta(days=1), datetime.min.time(), tzinfo=ZoneInfo(event.timezone)
        )
        starts = morning_after + timedelta(hours=hour)
        if starts <= now < starts + timedelta(hours=REMINDER_HOURS):
            due.append(event)
    return due


@outbox.periodic
def remind_feedback(now: datetime | None = None) -> int:
    """The morning after the day: one mail to everyone scanned in at a session's door who has not
    rated every session they were in (of those still open to feedback). Safe in every process at once: the reminder row is the
    claim (unique per registration). Returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    for event in _due_events(now):
        workshops = [
            workshop.pk
            for workshop in Workshop.objects.select_related("round").filter(
                round__event=event, round__ends_at__lte=now, status=Workshop.Status.SCHEDULED
            )
            if window(workshop).is_open(now)
        ]
        pairs = attendance.attendees_of(workshops)
        rated = set(
            Feedback.objects.filter(workshop_id__in=workshops).values_list("registration_id", "workshop_id")
        )
        waiting = {registration_id for registration_id, workshop_id in pairs - rated}
        reminded = set(
            FeedbackReminder.objects.filter(registration_id__in=waiting).values_list(
                "registration_id", flat=True
            )
        )
        registrations = Registration.objects.filter(
            pk__in=waiting - reminded, status=Registration.Status.CONFIRMED, erased_at__isnull=True
        )
        for registration in registrations:
            try:
                with transaction.atomic():
                    FeedbackReminder.objects.create(registration=registration, queued_at=now)
                    outbox.queue("feedback_reminder", to=registration.email, registration=registration)
            except IntegrityError:  # another process claimed it first
                continue
            queued += 1
    return queued
