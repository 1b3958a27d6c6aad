"""Feedback in the per-person export and the erasure (see events.signals)."""

from django.dispatch import receiver

from events.feedback.models import Feedback, FeedbackReminder
from events.signals import personal_data_requested, registration_erased
from events.times import iso


@receiver(personal_data_requested, dispatch_uid="feedback.personal_data")
def personal_data(sender, registration, **kwargs) -> dict:
    items = Feedback.objects.filter(registration=registration).select_related("workshop")
    return {
        "feedback": [
            {
                "workshop": item.workshop.title,
                "rating": item.rating,
                "comment": item.comment,
                "given_at": iso(item.created_at),
                "changed_at": iso(item.updated_at),
            }
            for item in items.order_by("created_at", "pk")
        ]
    }


@receiver(registration_erased, dispatch_uid="feedback.erase")
def erase(sender, registration, **kwargs) -> dict:
    FeedbackReminder.objects.filter(registration=registration).delete()
    removed = Feedback.objects.filter(registration=registration).delete()[0]
    return {"feedback": removed} if removed else {}
