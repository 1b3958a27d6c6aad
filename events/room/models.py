"""Polls and questions in the room. Part of the events app (imported by events.models)."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Room and certificate codes are typed from a projector or from paper: no 0/O, 1/I/L. (A
# registration's reference keeps L: its format is printed on badges already.)
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ROOM_CODE_LENGTH = 5
QUESTION_MAX_LENGTH = 280
POLL_QUESTION_MAX_LENGTH = 200
OPTION_MAX_LENGTH = 100
MAX_OPTIONS = 10
WORD_MAX_LENGTH = 40
SCALE = range(1, 6)


def random_code(length: int) -> str:
    """`length` characters of CODE_ALPHABET (about 4.95 bits each)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


class LiveRoom(models.Model):
    """One session's polls and questions: its short public code and its moderator's secret."""

    workshop = models.OneToOneField(
        "events.Workshop", on_delete=models.CASCADE, related_name="live_room", verbose_name=_("session")
    )
    code = models.CharField(_("room code"), max_length=8, unique=True)
    # The moderator link's token is shown once when made; the database keeps its SHA-256 only.
    moderator_token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("room for polls and questions")
        verbose_name_plural = _("rooms for polls and questions")

    def __str__(self) -> str:
        return self.code


class Poll(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("one choice")
        MULTIPLE = "multiple", _("several choices")
        SCALE = "scale", _("scale 1 to 5")
        WORDS = "words", _("word answer")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    room = models.ForeignKey(LiveRoom, on_delete=models.CASCADE, related_name="polls", verbose_name=_("room"))
    question = models.CharField(_("question"), max_length=POLL_QUESTION_MAX_LENGTH)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    options = models.JSONField(_("options"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    # The counts as they were when the poll closed: votes cannot change them afterwards.
    result = models.JSONField(_("result"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self) -> str:
        return self.question


class Vote(models.Model):
    """An attendee's answer to a poll: option indexes, a scale value, or one word."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    registration = models.ForeignKey("events.Registration", on_delete=models.CASCADE, related_name="+")
    choices = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "registration"], name="vote_one_per_poll")]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.choices}"


class Question(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the moderator")
        APPROVED = "approved", _("approved")
        HIDDEN = "hidden", _("hidden")
        ANSWERED = "answered", _("answered")

    room = models.ForeignKey(
        LiveRoom, on_delete=models.CASCADE, related_name="questions", verbose_name=_("room")
    )
    registration = models.ForeignKey(
        "events.Registration", on_delete=models.CASCADE, related_name="+", verbose_name=_("asked by")
    )
    text = models.CharField(_("question"), max_length=QUESTION_MAX_LENGTH)
    show_name = models.BooleanField(_("name shown to the room"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["room", "status"], name="question_room_status")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class QuestionVote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="upvotes")
    registration = models.ForeignKey("events.Registration", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "registration"], name="question_vote_once"),
        ]

    def __str__(self) -> str:
        return f"+1 {self.question_id}"


# The questions the room sees.
PUBLIC_STATUSES = (Question.Status.APPROVED, Question.Status.ANSWERED)
PUBLIC_QUESTION = Q(status__in=PUBLIC_STATUSES)
