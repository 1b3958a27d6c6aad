"""What attendees thought of the sessions they were in, and the speakers' private links to it."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models import Registration, Speaker, Workshop

RATINGS = range(1, 6)


class Feedback(models.Model):
    """One attendee's rating of one session they were scanned into; changeable for a while."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="feedback")
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("workshop")
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(RATINGS.start), MaxValueValidator(RATINGS.stop - 1)]
    )
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        ordering = ["workshop", "created_at", "pk"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["registration", "workshop"], name="feedback_one_per_person"),
            models.CheckConstraint(
                condition=Q(rating__gte=RATINGS.start, rating__lte=RATINGS.stop - 1),
                name="feedback_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} → {self.workshop_id}: {self.rating}"


class SpeakerLink(models.Model):
    """A speaker's private link to the results of one of their sessions. Only the token's SHA-256
    is kept: the link is shown once, when an organiser makes it; a new one replaces it."""

    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="+")
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["speaker", "workshop"], name="speaker_link_one_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.speaker} – {self.workshop}"


class FeedbackReminder(models.Model):
    """The morning-after reminder was queued for this registration; the unique row is the claim,
    so several processes never mail one person twice."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"reminder {self.registration_id}"
