"""The organisers' questions, their options and the answers in a backup of an edition (events.backup);
an answer's chosen options travel with it (a many-to-many field)."""

from events.backup import part
from events.questions.models import QuestionAnswer, QuestionOption, RegistrationQuestion

part(RegistrationQuestion, lambda event: RegistrationQuestion.objects.filter(event=event).order_by("pk"))
part(QuestionOption, lambda event: QuestionOption.objects.filter(question__event=event).order_by("pk"))
part(QuestionAnswer, lambda event: QuestionAnswer.objects.filter(question__event=event).order_by("pk"))
