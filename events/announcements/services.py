"""Posting and withdrawing announcements: stored, logged, and published to the open sockets after
the commit."""

from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import audit
from events.announcements import live
from events.announcements.models import TEXT_MAX_LENGTH, Announcement
from events.errors import InvalidInput
from events.models import Event, Workshop
from events.webpush import push

# Without an end time an announcement shows this long ("room 3 is full" is soon out of date).
DEFAULT_DURATION = timedelta(hours=2)
# Longest it may show: the day itself, with some slack for the evening before.
MAX_DURATION = timedelta(days=2)

audit.describe(
    {
        "announcement.posted": gettext_lazy("Announcement posted"),
        "announcement.withdrawn": gettext_lazy("Announcement withdrawn"),
    }
)


def unknown_workshop() -> str:
    return _("Unknown workshop.")


def post_announcement(
    event: Event, *, text: str, workshop: Workshop | None = None, expires_at: datetime | None = None, by=None
) -> Announcement:
    """Show `text` on every open page of the edition (or for `workshop`'s attendees) until
    `expires_at` (default: DEFAULT_DURATION from now)."""
    now = timezone.now()
    text = " ".join((text or "").split())
    expires_at = expires_at or now + DEFAULT_DURATION
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Write the announcement.")]
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = [_("At most %(max)d characters.") % {"max": TEXT_MAX_LENGTH}]
    if workshop is not None and workshop.round.event_id != event.pk:
        errors["workshop"] = [unknown_workshop()]
    if expires_at <= now:
        errors["expires_at"] = [_("The end time has passed already.")]
    elif expires_at > now + MAX_DURATION:
        errors["expires_at"] = [_("An announcement shows for at most two days.")]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        announcement = Announcement.objects.create(
            event=event,
            text=text,
            workshop=workshop,
            expires_at=expires_at,
            created_at=now,
            created_by=by if by is not None and by.is_authenticated else None,
        )
        audit.log(
            announcement,
            "announcement.posted",
            changes={"text": [None, text], "expires_at": [None, audit.json_value(expires_at)]},
            data={"workshop": workshop.pk} if workshop else {},
        )
        transaction.on_commit(partial(live.published, announcement))
        push.announcement_posted(announcement)
    return announcement


def withdraw_announcement(event: Event, announcement_id: int) -> Announcement:
    """Take one of `event`'s announcements off every open page (404 for any other: another
    edition's is not the organisers' to withdraw from this one). Withdrawing it again changes nothing."""
    with transaction.atomic():
        announcement = (
            Announcement.objects.select_for_update().filter(pk=announcement_id, event=event).first()
        )
        if announcement is None:
            raise Http404("unknown announcement")
        if announcement.withdrawn_at is not None:
            return announcement
        announcement.withdrawn_at = timezone.now()
        announcement.save(update_fields=["withdrawn_at"])
        audit.log(
            announcement,
            "announcement.withdrawn",
            changes={"withdrawn_at": [None, audit.json_value(announcement.withdrawn_at)]},
        )
        transaction.on_commit(partial(live.withdrawn, announcement))
    return announcement
