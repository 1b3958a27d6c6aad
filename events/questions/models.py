"""The organisers' own questions on the registration form. Part of the events app (imported by
events.models).

An answer to a choice refers to its options by row, not by text: renaming an option keeps every
answer given to it, and the exports show the option's current text.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A text answer is one line: a name, a number, a short remark.
TEXT_ANSWER_MAX_LENGTH = 500


def _roles_are_known(value) -> None:
    from events.models import Role

    if not isinstance(value, list) or any(role not in Role.values for role in value):
        raise ValidationError(_("Choose roles from the list."), code="unknown_role")


class RegistrationQuestion(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        CHOICE = "choice", _("one choice")
        CHOICES = "choices", _("several choices")
        YES_NO = "yes_no", _("yes or no")

    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="registration_questions",
        verbose_name=_("event"),
    )
    text = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("explanation"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=False)
    # Role values (events.Role); empty: everyone is asked.
    roles = models.JSONField(
        _("only for these roles"),
        default=list,
        blank=True,
        validators=[_roles_are_known],
        help_text=_("Leave empty to ask everyone."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Not asked any more; its answers stay in the exports.
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["event", "position", "pk"]
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.CHOICE, self.Kind.CHOICES)

    def asks(self, role: str) -> bool:
        """Whether someone registering in `role` is asked this question."""
        return not self.roles or role in self.roles

    def role_labels(self) -> list[str]:
        from events.models import Role

        return [str(Role(role).label) for role in self.roles if role in Role.values]


class QuestionOption(models.Model):
    question = models.ForeignKey(
        RegistrationQuestion, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    label = models.CharField(_("option"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.label


class QuestionAnswer(models.Model):
    """One person's answer to one question: `text`, `yes_no` or `choices`, after the question's kind."""

    registration = models.ForeignKey(
        "events.Registration",
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("registration"),
    )
    question = models.ForeignKey(
        RegistrationQuestion, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question")
    )
    text = models.CharField(_("text"), max_length=TEXT_ANSWER_MAX_LENGTH, blank=True)
    yes_no = models.BooleanField(_("yes or no"), null=True, blank=True)
    choices = models.ManyToManyField(
        QuestionOption, blank=True, related_name="answers", verbose_name=_("choices")
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        ordering = ["registration", "question__position", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["registration", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.display()}"

    def value(self):
        """The answer as the API takes it: text, a boolean, an option id or a list of them (as text)."""
        kind = RegistrationQuestion.Kind
        if self.question.kind == kind.YES_NO:
            return self.yes_no
        if self.question.kind == kind.TEXT:
            return self.text
        ids = [str(option.pk) for option in self._chosen()]
        if self.question.kind == kind.CHOICE:
            return ids[0] if ids else None
        return ids

    def display(self) -> str:
        """The answer as people read it (exports, the admin): the options' current labels."""
        kind = RegistrationQuestion.Kind
        if self.question.kind == kind.YES_NO:
            return "" if self.yes_no is None else str(_("yes") if self.yes_no else _("no"))
        if self.question.kind == kind.TEXT:
            return self.text
        return "; ".join(option.label for option in self._chosen())

    def _chosen(self) -> list[QuestionOption]:
        return sorted(self.choices.all(), key=lambda option: (option.position, option.pk))
