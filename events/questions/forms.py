"""The organisers' questions as fields of the registration page (`answers.<id>`, where the service's
errors point). None of them is required by the form: the role decides which are asked, and the
service checks that (events.questions.services), so the page says "optional" after the question."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Event, Registration
from events.questions.models import TEXT_ANSWER_MAX_LENGTH, QuestionAnswer, RegistrationQuestion
from events.questions.services import answers_of, asked_of, field_name, questions_of

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

    def add_question_fields(self, event: Event, role: str | None = None) -> None:
        """Every question (the page before a role is chosen), or those `role` is asked."""
        self.questions = questions_of(event) if role is None else asked_of(event, role)
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


def _initial(answer: QuestionAnswer):
    value = answer.value()
    if answer.question.kind == Kind.YES_NO:
        return None if value is None else (YES if value else NO)
    return value


class AnswersForm(QuestionFields, forms.Form):
    """An attendee changes their answers (their private link): the questions of their role, filled in."""

    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_question_fields(registration.event, registration.role)
        for answer in answers_of(registration):
            if (name := field_name(answer.question)) in self.fields:
                self.fields[name].initial = _initial(answer)
