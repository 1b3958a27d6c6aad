"""Polls and questions in the per-person export and the erasure (see events.signals)."""

from django.dispatch import receiver

from events.models import Registration
from events.room.models import Question, Vote
from events.room.services import forget_person
from events.signals import personal_data_requested, registration_erased
from events.times import iso


@receiver(personal_data_requested, sender=Registration, dispatch_uid="room_personal_data")
def export_room_data(sender, registration: Registration, **kwargs) -> dict:
    questions = Question.objects.filter(registration=registration).select_related("room__workshop")
    votes = Vote.objects.filter(registration=registration).select_related("poll__room__workshop")
    return {
        "questions": [
            {
                "session": question.room.workshop.title,
                "text": question.text,
                "show_name": question.show_name,
                "status": question.status,
                "asked_at": iso(question.created_at),
            }
            for question in questions
        ],
        "poll_votes": [
            {
                "session": vote.poll.room.workshop.title,
                "poll": vote.poll.question,
                "choices": vote.choices,
                "at": iso(vote.updated_at),
            }
            for vote in votes
        ],
    }


@receiver(registration_erased, sender=Registration, dispatch_uid="room_erasure")
def erase_room_data(sender, registration: Registration, **kwargs) -> dict:
    return forget_person(registration)
