"""Feedback's rows in a backup of an edition (see events.backup); speaker links by their hash."""

from events.backup import part
from events.feedback.models import Feedback, FeedbackReminder, SpeakerLink

part(Feedback, lambda event: Feedback.objects.filter(workshop__round__event=event).order_by("pk"))
part(SpeakerLink, lambda event: SpeakerLink.objects.filter(workshop__round__event=event).order_by("pk"))
part(
    FeedbackReminder,
    lambda event: FeedbackReminder.objects.filter(registration__event=event).order_by("pk"),
)
