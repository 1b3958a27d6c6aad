"""Democratie in Actie's offers to municipalities, and who signed up for them."""

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from events.models import Event, Municipality


class OfferQuerySet(models.QuerySet):
    def with_counts(self) -> "OfferQuerySet":
        return self.annotate(
            taken=Count("signups", filter=Q(signups__status=Signup.Status.ACCEPTED)),
            waitlisted=Count("signups", filter=Q(signups__status=Signup.Status.WAITLISTED)),
        )


class Offer(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="offers", verbose_name=_("event"))
    slug = models.SlugField(_("slug"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # None: unlimited (the network itself).
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [models.UniqueConstraint(fields=["event", "slug"], name="offer_unique_slug")]

    def __str__(self) -> str:
        return self.title


class Signup(models.Model):
    """A municipality's place for an offer: accepted, or waitlisted in order of arrival."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        WAITLISTED = "waitlisted", _("waitlisted")

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="signups", verbose_name=_("offer")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="signups", verbose_name=_("municipality")
    )
    reference = models.CharField(_("reference"), max_length=12)
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("signup")
        verbose_name_plural = _("signups")
        constraints = [
            models.UniqueConstraint(fields=["offer", "municipality"], name="signup_one_per_municipality")
        ]

    def __str__(self) -> str:
        return f"{self.municipality} → {self.offer}"
