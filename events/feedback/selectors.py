"""What the attendee's page, the organisers and the speakers see of the feedback."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count
from django.http import Http404
from django.utils import timezone

from events import attendance
from events.feedback.models import RATINGS, Feedback, SpeakerLink
from events.feedback.services import Window, window
from events.models import Event, Registration, Workshop, secret_hash


@dataclass(frozen=True)
class Session:
    workshop: Workshop
    window: Window
    feedback: Feedback | None


def open_sessions(registration: Registration, now: datetime | None = None) -> list[Session]:
    """The sessions the attendee was scanned into whose feedback window is open now."""
    now = now or timezone.now()
    attended = attendance.workshops_of(registration)
    if not attended:
        return []
    given = {item.workshop_id: item for item in Feedback.objects.filter(registration=registration)}
    workshops = Workshop.objects.select_related("round", "room").filter(
        pk__in=attended, round__event_id=registration.event_id, status=Workshop.Status.SCHEDULED
    )
    sessions = [Session(workshop, window(workshop), given.get(workshop.pk)) for workshop in workshops]
    return [session for session in sessions if session.window.is_open(now)]


@dataclass(frozen=True)
class Results:
    workshop: Workshop
    count: int
    average: float | None
    # (rating, how many gave it, percentage) for 5 down to 1.
    distribution: list[tuple[int, int, int]]
    comments: list[Feedback]


def results(workshop: Workshop) -> Results:
    rows = Feedback.objects.filter(workshop=workshop)
    counts = dict(rows.values_list("rating").annotate(n=Count("pk")).values_list("rating", "n"))
    count = sum(counts.values())
    average = rows.aggregate(average=Avg("rating"))["average"]
    return Results(
        workshop=workshop,
        count=count,
        average=round(average, 1) if average is not None else None,
        distribution=[
            (rating, counts.get(rating, 0), round(100 * counts.get(rating, 0) / count) if count else 0)
            for rating in reversed(RATINGS)
        ],
        comments=list(rows.exclude(comment="").order_by("-updated_at", "-pk")),
    )


def overview(event: Event) -> list[tuple[Workshop, int, float | None]]:
    """Every session of the event with its number of ratings and their average."""
    workshops = (
        Workshop.objects.filter(round__event=event)
        .select_related("round", "room")
        .annotate(ratings=Count("feedback"), average=Avg("feedback__rating"))
        .order_by("round__starts_at", "title")
    )
    return [
        (workshop, workshop.ratings, round(workshop.average, 1) if workshop.average is not None else None)
        for workshop in workshops
    ]


def speaker_link_for_token(token: str) -> SpeakerLink:
    link = (
        SpeakerLink.objects.select_related("speaker", "workshop__round", "workshop__room")
        .filter(token_hash=secret_hash(token))
        .first()
    )
    if link is None:
        raise Http404("unknown speaker link")
    return link
