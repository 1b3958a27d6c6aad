"""Announcements in a backup of an edition (events.backup), after the workshops."""

from events.announcements.models import Announcement
from events.backup import part

part(Announcement, lambda event: Announcement.objects.filter(event=event).order_by("pk"))
