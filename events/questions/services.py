"""Checking and storing the answers to the organisers' registration questions.

The role decides which questions someone is asked, and the role is only known for certain inside
the registration's transaction (an invitation code may fix it). So events.services.register checks
the answers there, and an answer to a question the role is not asked is ignored, not refused: the
form without JavaScript shows every question, and the role may change under a code.
"""

from django.utils.translation import gettext_lazy as _

from events.errors import InvalidInput
from events.models import Event, Registration
from events.questions.models import TEXT_ANSWER_MAX_LENGTH, QuestionAnswer, RegistrationQuestion
from events.validators import NOT_ON_ONE_LINE, SINGLE_LINE_MESSAGE

Kind = RegistrationQuestion.Kind


def field_name(question: RegistrationQuestion | int) -> str:
    """Where errors about the answer to a question point: `answers.<id>` (form field and API)."""
    return f"answers.{question if isinstance(question, int) else question.pk}"


def questions_of(event: Event) -> list[RegistrationQuestion]:
    """The event's active questions in their order, with their options."""
    return list(
        RegistrationQuestion.objects.filter(event=event, active=True)
        .prefetch_related("options")
        .order_by("position", "pk")
    )


def asked_of(event: Event, role: str) -> list[RegistrationQuestion]:
    """The questions someone in `role` is asked."""
    return [question for question in questions_of(event) if question.asks(role)]


def _is_empty(value) -> bool:
    return value is None or value == "" or value == []


def _clean_value(question: RegistrationQuestion, value):
    """The stored form of one given answer: text, a boolean or a list of options. Raises ValueError
    with the message for people."""
    if question.kind == Kind.YES_NO:
        if not isinstance(value, bool):
            raise ValueError(_("Answer yes or no."))
        return value
    if question.kind == Kind.TEXT:
        if not isinstance(value, str):
            raise ValueError(_("Type your answer as text."))
        value = value.strip()
        if len(value) > TEXT_ANSWER_MAX_LENGTH:
            raise ValueError(
                _("Keep your answer to at most %(count)d characters.") % {"count": TEXT_ANSWER_MAX_LENGTH}
            )
        if NOT_ON_ONE_LINE.search(value):
            raise ValueError(SINGLE_LINE_MESSAGE)
        return value
    if question.kind == Kind.CHOICE:
        if not isinstance(value, str):
            raise ValueError(_("Choose one of the options."))
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(_("Choose from the options."))
    options = {str(option.pk): option for option in question.options.all()}
    if any(item not in options for item in value) or len(set(value)) != len(value):
        raise ValueError(_("Choose from the options."))
    return [options[item] for item in value]


def clean_answers(event: Event, role: str, answers: dict) -> dict[RegistrationQuestion, object]:
    """The answers (`{"<question id>": value}`) of someone registering in `role`, checked: every
    required question they are asked answered, each value of its question's kind. Answers to
    questions the role is not asked are dropped; an id that is no active question of the event is
    refused. Raises InvalidInput with messages per `answers.<id>`, all at once."""
    questions = questions_of(event)
    by_id = {str(question.pk): question for question in questions}
    errors: dict[str, list[str]] = {}
    for key in answers:
        if key not in by_id:
            errors[f"answers.{key}"] = [str(_("This question is not asked."))]
    cleaned: dict[RegistrationQuestion, object] = {}
    for question in questions:
        if not question.asks(role):
            continue
        value = answers.get(str(question.pk))
        if _is_empty(value):
            if question.required:
                errors[field_name(question)] = [str(_("This question is required."))]
            continue
        try:
            cleaned[question] = _clean_value(question, value)
        except ValueError as problem:
            errors[field_name(question)] = [str(problem)]
    if errors:
        raise InvalidInput(errors)
    return {question: value for question, value in cleaned.items() if not _is_empty(value)}


def save_answers(registration: Registration, cleaned: dict[RegistrationQuestion, object]) -> None:
    """Store cleaned answers (clean_answers) of a new registration, in the caller's transaction."""
    for question, value in cleaned.items():
        answer = QuestionAnswer.objects.create(
            registration=registration,
            question=question,
            text=value if question.kind == Kind.TEXT else "",
            yes_no=value if question.kind == Kind.YES_NO else None,
        )
        if question.has_options:
            answer.choices.set(value)


def answers_of(registration: Registration) -> list[QuestionAnswer]:
    return list(
        QuestionAnswer.objects.filter(registration=registration)
        .select_related("question")
        .prefetch_related("choices")
        .order_by("question__position", "question_id")
    )


def answer_columns(event: Event) -> tuple[list[str], dict[int, list[str]]]:
    """For a list of registrations: one column per question of the event (inactive ones too, as
    they have answers), and per registration id its cells in those columns."""
    questions = list(RegistrationQuestion.objects.filter(event=event).order_by("position", "pk"))
    index = {question.pk: number for number, question in enumerate(questions)}
    cells: dict[int, list[str]] = {}
    answers = (
        QuestionAnswer.objects.filter(question__event=event)
        .select_related("question")
        .prefetch_related("choices")
    )
    for answer in answers:
        row = cells.setdefault(answer.registration_id, [""] * len(questions))
        row[index[answer.question_id]] = answer.display()
    return [question.text for question in questions], cells
