"""The room's rows in a backup of an edition (events.backup), after the workshops and registrations."""

from events.backup import part
from events.room.models import LiveRoom, Poll, Question, QuestionVote, Vote

part(LiveRoom, lambda event: LiveRoom.objects.filter(workshop__round__event=event).order_by("pk"))
part(Poll, lambda event: Poll.objects.filter(room__workshop__round__event=event).order_by("pk"))
part(Vote, lambda event: Vote.objects.filter(poll__room__workshop__round__event=event).order_by("pk"))
part(Question, lambda event: Question.objects.filter(room__workshop__round__event=event).order_by("pk"))
part(
    QuestionVote,
    lambda event: QuestionVote.objects.filter(question__room__workshop__round__event=event).order_by("pk"),
)
