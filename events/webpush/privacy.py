"""Push subscriptions in the per-person export and the erasure (see events.signals): when this
person allowed notifications, on which push service, and when one last arrived. The endpoint itself
names the browser to its push service: the export shows only the service's host."""

from urllib.parse import urlsplit

from django.dispatch import receiver

from events.signals import personal_data_requested, registration_erased
from events.times import iso
from events.webpush.models import PushSubscription


@receiver(personal_data_requested, dispatch_uid="webpush.personal_data")
def personal_data(sender, registration, **kwargs) -> dict:
    subscriptions = PushSubscription.objects.filter(registration=registration).order_by("created_at", "pk")
    return {
        "push_subscriptions": [
            {
                "push_service": urlsplit(subscription.endpoint).hostname,
                "created_at": iso(subscription.created_at),
                "last_success_at": iso(subscription.last_success_at),
            }
            for subscription in subscriptions
        ]
    }


@receiver(registration_erased, dispatch_uid="webpush.erase")
def erase(sender, registration, **kwargs) -> dict:
    removed = PushSubscription.objects.filter(registration=registration).delete()[0]
    return {"push_subscriptions": removed} if removed else {}
