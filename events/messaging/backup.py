"""Messages to a group in a backup of an edition (events.backup): the messages, who each went to
(with their outbox mail), who opted out of messages and the scheduled mails."""

from events.backup import part
from events.messaging.models import GroupMessage, GroupMessageRecipient, MessageOptOut, ScheduledMail

part(GroupMessage, lambda event: GroupMessage.objects.filter(event=event).order_by("pk"))
part(
    GroupMessageRecipient,
    lambda event: GroupMessageRecipient.objects.filter(message__event=event).order_by("pk"),
)
part(MessageOptOut, lambda event: MessageOptOut.objects.filter(registration__event=event).order_by("pk"))
part(ScheduledMail, lambda event: ScheduledMail.objects.filter(event=event).order_by("pk"))
