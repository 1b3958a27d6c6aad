"""Live messages of announcements, published through events.live after the commit.

Every live socket of an edition (programme, attendee page, wall, dashboards, room screens) joins
`live.announcements(event_id)` and finds the active ones in its snapshot (events.consumers)."""

from events import live
from events.announcements.models import Announcement
from events.times import iso


def announcement_out(announcement: Announcement) -> dict:
    """The announcement as the API returns it and the sockets hear it (plain text: pages escape it)."""
    workshop = announcement.workshop
    return {
        "id": announcement.pk,
        "text": announcement.text,
        "workshop": workshop.pk if workshop else None,
        "workshop_title": workshop.title if workshop else "",
        "expires_at": iso(announcement.expires_at),
        "created_at": iso(announcement.created_at),
        "withdrawn_at": iso(announcement.withdrawn_at),
    }


def active(event_id: int) -> list[dict]:
    """The announcements shown now, newest first: for page loads and socket snapshots."""
    return [
        announcement_out(announcement)
        for announcement in Announcement.objects.active(event_id).select_related("workshop")
    ]


def published(announcement: Announcement) -> None:
    message = {"type": "announcement", **announcement_out(announcement)}
    live.publish(live.announcements(announcement.event_id), message)


def withdrawn(announcement: Announcement) -> None:
    message = {"type": "announcement_withdrawn", "id": announcement.pk, "workshop": announcement.workshop_id}
    live.publish(live.announcements(announcement.event_id), message)
