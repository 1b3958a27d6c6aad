"""The organisers' questions as fields of the registration page (`answers.<id>`, where the service's
errors point). None of them is required by the form: the role decides which are asked, and the
service checks that (events.questions.services), so the page says "optional" after the question."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.questions.models import TEXT_ANSWER_MAX_LENGTH, RegistrationQuestion
from events.questions.services import field_name, questions_of

Kind = RegistrationQuestion.Kind
YES, NO = "yes", "no"


def _field(question: RegistrationQuestion) -> forms.Field:
    common = {"label": question.text, "help_text": question.help_text, "required": False}
    options = [(str(option.pk), option.label) for option in question.options.all()]
    if question.kind == Kind.CHOICE:
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
    if question.kind == Kind.CHOICES:
        return forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)
    if question.kind == Kind.YES_NO:
        return forms.TypedChoiceField(
            choices=[(YES, _("Yes")), (NO, _("No"))],
            coerce=lambda value: value == YES,
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    return forms.CharField(max_length=TEXT_ANSWER_MAX_LENGTH, **common)


class QuestionFields:
    """Mixin of a form with an `event`: adds a field per active question of the event."""

    def add_question_fields(self, event: Event) -> None:
        self.questions = questions_of(event)
        for question in self.questions:
            self.fields[field_name(question)] = _field(question)

    def question_fields(self) -> list[tuple[RegistrationQuestion, forms.BoundField]]:
        return [(question, self[field_name(question)]) for question in self.questions]

    def answers(self) -> dict:
        """The cleaned values as events.services.register takes them: `{"<id>": value}`."""
        return {
            str(question.pk): self.cleaned_data.get(field_name(question))
            for question in self.questions
            if self.cleaned_data.get(field_name(question)) not in (None, "", [])
        }
