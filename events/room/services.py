"""State changes of polls and questions in the room.

Votes are held by a unique index (one per attendee and poll) and written as an upsert, so two
phones of one attendee voting at once leave one vote, the last. A vote locks its poll's row, so
closing a poll (which locks it too) waits for votes under way and stores a result no later vote
can change. Live events go out after the commit (events.room.live).
"""


from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config import ratelimit
from events.models import Registration, Workshop, secret_hash
from events.room import live
from events.room.errors import RoomError
from events.room.models import (
    MAX_OPTIONS,
    OPTION_MAX_LENGTH,
    POLL_QUESTION_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    ROOM_CODE_LENGTH,
    SCALE,
    WORD_MAX_LENGTH,
    LiveRoom,
    Poll,
    Question,
    QuestionVote,
    Vote,
    random_code,
)
from events.room.selectors import poll_results
from events.services import new_manage_token


def _new_code() -> str:
    return random_code(ROOM_CODE_LENGTH)


def room_for(workshop: Workshop) -> LiveRoom:
    """The session's room, made the first time anyone asks (a new code; a clash is tried again)."""
    room = LiveRoom.objects.filter(workshop=workshop).first()
    while room is None:
        try:
            with transaction.atomic():
                room = LiveRoom.objects.create(workshop=workshop, code=_new_code())
        except IntegrityError:  # the code was taken, or another request made the room first
            room = LiveRoom.objects.filter(workshop=workshop).first()
    return room


def rooms_for(workshops: list[Workshop]) -> dict[int, LiveRoom]:
    """{workshop id: room} for these sessions, the missing rooms made in one INSERT (on a code
    clash, or another request making one first, each missing room is made as room_for does)."""
    rooms = {room.workshop_id: room for room in LiveRoom.objects.filter(workshop__in=workshops)}
    missing = [workshop for workshop in workshops if workshop.pk not in rooms]
    if missing:
        try:
            with transaction.atomic():
                made = LiveRoom.objects.bulk_create(
                    [LiveRoom(workshop=workshop, code=_new_code()) for workshop in missing]
                )
            rooms.update({room.workshop_id: room for room in made})
        except IntegrityError:
            rooms.update({workshop.pk: room_for(workshop) for workshop in missing})
    return rooms


def new_moderator_token(workshop: Workshop) -> tuple[LiveRoom, str]:
    """A new moderator link for the session; the previous one stops working. The token is
    returned once; the database keeps its hash."""
    room = room_for(workshop)
    token = new_manage_token()
    LiveRoom.objects.filter(pk=room.pk).update(moderator_token_hash=secret_hash(token))
    room.moderator_token_hash = secret_hash(token)
    return room, token


def room_for_moderator_token(token: str) -> LiveRoom | None:
    if not token or len(token) > 64:
        return None
    return (
        LiveRoom.objects.select_related("workshop__room", "workshop__round__event")
        .filter(moderator_token_hash=secret_hash(token))
        .first()
    )


def _clean_text(value: str, field: str, limit: int) -> str:
    """Plain text on one line: whitespace collapsed; empty or too long is refused."""
    text = " ".join(str(value).split())
    if not text:
        raise RoomError("empty", _("Fill this in."), field=field, status=422)
    if len(text) > limit:
        raise RoomError(
            "too_long",
            _("At most %(limit)s characters.") % {"limit": limit},
            field=field,
            status=422,
        )
    return text


def create_poll(workshop: Workshop, *, question: str, kind: str, options: list[str] | None = None) -> Poll:
    if kind not in Poll.Kind.values:
        raise RoomError("invalid_kind", _("Unknown kind of poll."), field="kind", status=422)
    question = _clean_text(question, "question", POLL_QUESTION_MAX_LENGTH)
    options = [_clean_text(option, "options", OPTION_MAX_LENGTH) for option in options or []]
    if kind in (Poll.Kind.SINGLE, Poll.Kind.MULTIPLE):
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise RoomError(
                "options_needed",
                _("Give between 2 and %(most)s options.") % {"most": MAX_OPTIONS},
                field="options",
                status=422,
            )
        if len({option.casefold() for option in options}) != len(options):
            raise RoomError("options_repeated", _("Each option once."), field="options", status=422)
    elif options:
        raise RoomError(
            "options_not_used", _("This kind of poll has no options."), field="options", status=422
        )
    room = room_for(workshop)
    poll = Poll.objects.create(room=room, question=question, kind=kind, options=options)
    return poll


def _locked(poll: Poll) -> Poll:
    return Poll.objects.select_for_update().select_related("room").get(pk=poll.pk)


def open_poll(poll: Poll) -> Poll:
    """Draft → open. Opening an open poll changes nothing; a closed poll stays closed."""
    with transaction.atomic():
        poll = _locked(poll)
        if poll.status == Poll.Status.CLOSED:
            raise RoomError("poll_closed", _("This poll is closed."))
        if poll.status == Poll.Status.DRAFT:
            poll.status, poll.opened_at = Poll.Status.OPEN, timezone.now()
            poll.save(update_fields=["status", "opened_at"])
            live.after_commit_poll(poll.pk)
    return poll


def close_poll(poll: Poll) -> Poll:
    """Open (or draft) → closed, with its result stored. Closing a closed poll changes nothing."""
    with transaction.atomic():
        poll = _locked(poll)
        if poll.status != Poll.Status.CLOSED:
            poll.result = poll_results(poll)
            poll.status, poll.closed_at = Poll.Status.CLOSED, timezone.now()
            poll.save(update_fields=["status", "closed_at", "result"])
            live.after_commit_poll(poll.pk)
    return poll


def _clean_choices(poll: Poll, choices: list) -> list:
    if not isinstance(choices, list) or not choices:
        raise RoomError("no_choice", _("Choose an answer."), field="choices", status=422)
    if poll.kind == Poll.Kind.WORDS:
        if len(choices) != 1 or not isinstance(choices[0], str):
            raise RoomError("one_word", _("Give one short answer."), field="choices", status=422)
        # Counted together however they are typed: "Inwoners", "inwoners ".
        return [_clean_text(choices[0], "choices", WORD_MAX_LENGTH).lower()]
    if not all(isinstance(choice, int) and not isinstance(choice, bool) for choice in choices):
        raise RoomError("invalid_choice", _("Unknown answer."), field="choices", status=422)
    if poll.kind == Poll.Kind.SCALE:
        if len(choices) != 1 or choices[0] not in SCALE:
            raise RoomError("invalid_choice", _("Choose from 1 to 5."), field="choices", status=422)
        return choices
    if any(not 0 <= choice < len(poll.options) for choice in choices) or len(set(choices)) != len(choices):
        raise RoomError("invalid_choice", _("Unknown answer."), field="choices", status=422)
    if poll.kind == Poll.Kind.SINGLE and len(choices) != 1:
        raise RoomError("one_choice", _("Choose one answer."), field="choices", status=422)
    return sorted(choices)


def _check_attendee(registration: Registration, room: LiveRoom) -> None:
    if not registration.is_confirmed or room.workshop.round.event_id != registration.event_id:
        raise RoomError("not_attending", _("Only attendees of the day take part."), status=403)


def vote(registration: Registration, poll: Poll, choices: list) -> Vote:
    """The attendee's answer; a later vote replaces the earlier one until the poll closes."""
    with transaction.atomic():
        poll = Poll.objects.select_for_update().select_related("room__workshop__round").get(pk=poll.pk)
        _check_attendee(registration, poll.room)
        if poll.status != Poll.Status.OPEN:
            raise RoomError("poll_not_open", _("This poll is not open."))
        choices = _clean_choices(poll, choices)
        now = timezone.now()
        # An upsert on the unique index: however many phones vote at once, one row remains.
        [cast] = Vote.objects.bulk_create(
            [Vote(poll=poll, registration=registration, choices=choices, created_at=now, updated_at=now)],
            update_conflicts=True,
            unique_fields=["poll", "registration"],
            update_fields=["choices", "updated_at"],
        )
        live.after_commit_vote(poll.pk)
    return cast  # as stored, but for created_at (kept from a replaced vote)


def ask(registration: Registration, workshop: Workshop, *, text: str, show_name: bool) -> Question:
    """A question to the session; the moderator decides whether the room sees it."""
    room = room_for(workshop)
    room.workshop = workshop
    _check_attendee(registration, room)
    text = _clean_text(text, "text", QUESTION_MAX_LENGTH)
    if not ratelimit.allowed("room_questions", str(registration.pk)):
        raise RoomError(
            "rate_limited", _("You asked many questions just now: wait a few minutes."), status=429
        )
    with transaction.atomic():
        question = Question.objects.create(
            room=room, registration=registration, text=text, show_name=bool(show_name)
        )
        live.after_commit_pending(room.pk)
    return question


MODERATION = {
    "approve": Question.Status.APPROVED,
    "hide": Question.Status.HIDDEN,
    "answered": Question.Status.ANSWERED,
}


def moderate(question: Question, action: str) -> Question:
    """approve, hide or answered; the room's screens follow."""
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        question.status = MODERATION[action]
        question.save(update_fields=["status", "updated_at"])
        live.after_commit_question(question.pk)
        live.after_commit_pending(question.room_id)
    return question


def upvote(registration: Registration, question: Question) -> Question:
    """Once per attendee: upvoting again changes nothing. Only questions the room sees. Returns
    the question with its `upvote_count`."""
    question = Question.objects.select_related("room__workshop__round").get(pk=question.pk)
    _check_attendee(registration, question.room)
    if not question.is_public:
        raise RoomError("not_public", _("This question is not shown to the room."), status=404)
    with transaction.atomic():
        QuestionVote.objects.bulk_create(
            [QuestionVote(question=question, registration=registration, created_at=timezone.now())],
            ignore_conflicts=True,
        )
        live.after_commit_question(question.pk)
        question.upvote_count = QuestionVote.objects.filter(question=question).count()
    return question


def forget_person(registration: Registration) -> dict:
    """On erasure: their questions (their text may say who they are), upvotes and votes go; a
    closed poll keeps the result it stored."""
    questions = Question.objects.filter(registration=registration).delete()[1].get("events.Question", 0)
    upvotes = QuestionVote.objects.filter(registration=registration).delete()[0]
    votes = Vote.objects.filter(registration=registration).delete()[0]
    counts = {"questions": questions, "question_votes": upvotes, "poll_votes": votes}
    return {what: count for what, count in counts.items() if count}
