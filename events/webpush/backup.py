"""Push subscriptions in a backup of an edition (events.backup), after the registrations. Restored
on a server with other VAPID keys, the push services refuse them: they are logged, not fatal."""

from events.backup import part
from events.webpush.models import PushSubscription

part(
    PushSubscription, lambda event: PushSubscription.objects.filter(registration__event=event).order_by("pk")
)
