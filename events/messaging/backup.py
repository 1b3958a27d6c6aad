"""Messages to a group in a backup of an edition (events.backup)."""

from events.backup import part
from events.messaging.models import GroupMessage

part(GroupMessage, lambda event: GroupMessage.objects.filter(event=event).order_by("pk"))
