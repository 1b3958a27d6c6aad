"""Reading polls and questions: results, and what the room (or its moderator) may see."""

from collections import Counter

from django.db.models import Count

from events.room.models import PUBLIC_QUESTION, SCALE, LiveRoom, Poll, Question, Vote

# A word cloud shows the most frequent answers; the long tail does not fit a projector.
MAX_WORDS = 50


def poll_results(poll: Poll) -> dict:
    """{votes, counts: [{label, count}], average}: the stored result of a closed poll, else counted
    now. Labels are the options, the scale's 1–5, or the words (most frequent first)."""
    if poll.result is not None:
        return poll.result
    answers = list(Vote.objects.filter(poll=poll).values_list("choices", flat=True))
    tally = Counter(choice for choices in answers for choice in choices)
    average = None
    if poll.kind == Poll.Kind.WORDS:
        ranked = sorted(tally.items(), key=lambda item: (-item[1], item[0]))[:MAX_WORDS]
        counts = [{"label": word, "count": count} for word, count in ranked]
    elif poll.kind == Poll.Kind.SCALE:
        counts = [{"label": str(value), "count": tally[value]} for value in SCALE]
        if answers:
            average = round(sum(value * tally[value] for value in SCALE) / len(answers), 2)
    else:
        counts = [{"label": option, "count": tally[index]} for index, option in enumerate(poll.options)]
    return {"votes": len(answers), "counts": counts, "average": average}


def public_poll(poll: Poll) -> dict:
    return {
        "id": poll.pk,
        "question": poll.question,
        "kind": poll.kind,
        "options": poll.options,
        "status": poll.status,
        "results": poll_results(poll),
    }


def public_question(question: Question) -> dict:
    """What the room sees: the text, the name only if the asker chose so, never who else."""
    registration = question.registration
    return {
        "id": question.pk,
        "text": question.text,
        "name": registration.full_name if question.show_name and registration.erased_at is None else "",
        "status": question.status,
        "votes": question.upvote_count,
    }


def questions(room: LiveRoom, *, public: bool = True) -> list[Question]:
    """The room's questions with their upvotes, most upvoted first (then oldest first)."""
    found = Question.objects.filter(room=room)
    if public:
        found = found.filter(PUBLIC_QUESTION)
    return list(
        found.select_related("registration")
        .annotate(upvote_count=Count("upvotes"))
        .order_by("-upvote_count", "created_at", "pk")
    )


def question_with_votes(question_id: int) -> Question | None:
    return (
        Question.objects.select_related("registration", "room")
        .annotate(upvote_count=Count("upvotes"))
        .filter(pk=question_id)
        .first()
    )


def visible_polls(room: LiveRoom) -> list[Poll]:
    """The polls the room sees: open and closed ones (drafts are the moderator's)."""
    return list(room.polls.exclude(status=Poll.Status.DRAFT).order_by("created_at", "pk"))


def pending_count(room_id: int) -> int:
    return Question.objects.filter(room_id=room_id, status=Question.Status.PENDING).count()


def snapshot(room: LiveRoom) -> dict:
    workshop = room.workshop
    return {
        "type": "snapshot",
        "room": {
            "code": room.code,
            "title": workshop.title,
            "place": workshop.room.name,
        },
        "polls": [public_poll(poll) for poll in visible_polls(room)],
        "questions": [public_question(question) for question in questions(room)],
        "pending": pending_count(room.pk),
    }
