"""Messages to a group in the per-person export and the erasure (see events.signals): the opt-out
(as a withdrawn consent to messages) and the messages the person was sent."""

from django.dispatch import receiver

from events.messaging.models import GroupMessageRecipient, MessageOptOut
from events.signals import personal_data_requested, registration_erased
from events.times import iso


@receiver(personal_data_requested, dispatch_uid="messaging.personal_data")
def personal_data(sender, registration, **kwargs) -> dict:
    choice = MessageOptOut.objects.filter(registration=registration).first()
    received = GroupMessageRecipient.objects.filter(registration=registration).select_related(
        "message", "email"
    )
    return {
        "messages_opted_out_at": iso(choice.opted_out_at) if choice else None,
        "group_messages": [
            {
                "subject": row.message.subject,
                "sent_at": iso(row.message.sent_at),
                "practical": row.message.practical,
                "state": row.state,
            }
            for row in received.order_by("message__sent_at", "pk")
        ],
    }


@receiver(registration_erased, dispatch_uid="messaging.erase")
def erase(sender, registration, **kwargs) -> dict:
    removed = MessageOptOut.objects.filter(registration=registration).delete()[0]
    received = GroupMessageRecipient.objects.filter(registration=registration).delete()[0]
    return {key: n for key, n in (("message_opt_outs", removed), ("message_recipients", received)) if n}
