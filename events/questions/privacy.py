"""Answers to the organisers' questions in the per-person export and the erasure (see events.signals)."""

from django.dispatch import receiver

from events.models import Registration
from events.questions.models import QuestionAnswer
from events.questions.services import answers_of
from events.signals import personal_data_requested, registration_erased
from events.times import iso


@receiver(personal_data_requested, sender=Registration, dispatch_uid="questions.personal_data")
def personal_data(sender, registration: Registration, **kwargs) -> dict:
    return {
        "answers": [
            {
                "question": answer.question.text,
                "answer": answer.value(),
                "as_shown": answer.display(),
                "answered_at": iso(answer.answered_at),
            }
            for answer in answers_of(registration)
        ]
    }


@receiver(registration_erased, sender=Registration, dispatch_uid="questions.erase")
def erase(sender, registration: Registration, **kwargs) -> dict:
    # The link rows to the chosen options go with their answers.
    removed = (
        QuestionAnswer.objects.filter(registration=registration)
        .delete()[1]
        .get(QuestionAnswer._meta.label, 0)
    )
    return {"answers": removed} if removed else {}
