"""API of polls and questions: moderators prepare, open and close polls and moderate questions;
attendees vote, ask and upvote through their private link."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from events import selectors as core_selectors
from events.auth import Scope, organiser
from events.errors import InvalidInput
from events.links import absolute_url
from events.models import Workshop
from events.room import selectors, services
from events.room.auth import check_moderates, moderator_auth
from events.room.models import Poll, Question
from events.room.schemas import (
    ModeratorLinkOut,
    ModeratorQuestionOut,
    PollCreatedOut,
    PollIn,
    PollOut,
    QuestionCreatedOut,
    QuestionIn,
    ResultsOut,
    UpvoteOut,
    VoteIn,
    VoteOut,
    moderator_question_out,
    poll_out,
)
from events.schemas import MAX_ID, error_responses

router = Router(tags=["room"])
WORKSHOP_ID = Path(..., ge=1, le=MAX_ID, description="The workshop's (or plenary session's) id.")
POLL_ID = Path(..., ge=1, le=MAX_ID, description="The poll's id.")
QUESTION_ID = Path(..., ge=1, le=MAX_ID, description="The question's id.")
# Moderator operations: a bearer token is counted like a scanner's (config.ratelimit).
MODERATOR_ERRORS = error_responses(401, 403, 404, 409, 429)


def _moderated_workshop(request: HttpRequest, workshop_id: int) -> Workshop:
    workshop = get_object_or_404(Workshop.objects.select_related("round", "room"), pk=workshop_id)
    check_moderates(request, services.room_for(workshop))
    return workshop


def _moderated_poll(request: HttpRequest, poll_id: int) -> Poll:
    poll = get_object_or_404(Poll.objects.select_related("room"), pk=poll_id)
    check_moderates(request, poll.room)
    return poll


@router.post(
    "workshops/{workshop_id}/polls",
    auth=moderator_auth,
    response={201: PollCreatedOut, **MODERATOR_ERRORS, **error_responses(400, 422)},
    summary="Prepare a poll (moderators)",
)
def create_poll(request: HttpRequest, payload: PollIn, workshop_id: int = WORKSHOP_ID):
    """A draft: the room sees it once it is opened."""
    workshop = _moderated_workshop(request, workshop_id)
    poll = services.create_poll(
        workshop, question=payload.question, kind=payload.kind, options=payload.options
    )
    return Status(201, {"id": poll.pk, "status": poll.status, "room_code": poll.room.code})


@router.get(
    "workshops/{workshop_id}/polls",
    auth=moderator_auth,
    response={200: list[PollOut], **MODERATOR_ERRORS},
    summary="The session's polls with their results (moderators)",
)
def list_polls(request: HttpRequest, workshop_id: int = WORKSHOP_ID):
    room = services.room_for(_moderated_workshop(request, workshop_id))
    return [poll_out(poll) for poll in room.polls.select_related("room")]


@router.post(
    "polls/{poll_id}/open",
    auth=moderator_auth,
    response={200: PollOut, **MODERATOR_ERRORS},
    summary="Open a poll (moderators)",
)
def open_poll(request: HttpRequest, poll_id: int = POLL_ID):
    return poll_out(services.open_poll(_moderated_poll(request, poll_id)))


@router.post(
    "polls/{poll_id}/close",
    auth=moderator_auth,
    response={200: PollOut, **MODERATOR_ERRORS},
    summary="Close a poll and keep its result (moderators)",
)
def close_poll(request: HttpRequest, poll_id: int = POLL_ID):
    return poll_out(services.close_poll(_moderated_poll(request, poll_id)))


@router.get(
    "polls/{poll_id}/results",
    auth=moderator_auth,
    response={200: ResultsOut, **MODERATOR_ERRORS},
    summary="A poll's results (moderators)",
)
def poll_results(request: HttpRequest, poll_id: int = POLL_ID):
    """Counted now while the poll is open; the stored result once it is closed."""
    return selectors.poll_results(_moderated_poll(request, poll_id))


@router.get(
    "workshops/{workshop_id}/questions",
    auth=moderator_auth,
    response={200: list[ModeratorQuestionOut], **MODERATOR_ERRORS},
    summary="All questions to the session, with who asked (moderators)",
)
def list_questions(request: HttpRequest, workshop_id: int = WORKSHOP_ID):
    room = services.room_for(_moderated_workshop(request, workshop_id))
    return [moderator_question_out(question) for question in selectors.questions(room, public=False)]


def _moderate(request: HttpRequest, question_id: int, action: str) -> dict:
    question = get_object_or_404(Question.objects.select_related("room"), pk=question_id)
    check_moderates(request, question.room)
    services.moderate(question, action)
    return moderator_question_out(selectors.question_with_votes(question_id))


@router.post(
    "questions/{question_id}/approve",
    auth=moderator_auth,
    response={200: ModeratorQuestionOut, **MODERATOR_ERRORS},
    summary="Show a question to the room (moderators)",
)
def approve_question(request: HttpRequest, question_id: int = QUESTION_ID):
    return _moderate(request, question_id, "approve")


@router.post(
    "questions/{question_id}/hide",
    auth=moderator_auth,
    response={200: ModeratorQuestionOut, **MODERATOR_ERRORS},
    summary="Hide a question from the room (moderators)",
)
def hide_question(request: HttpRequest, question_id: int = QUESTION_ID):
    return _moderate(request, question_id, "hide")


@router.post(
    "questions/{question_id}/answered",
    auth=moderator_auth,
    response={200: ModeratorQuestionOut, **MODERATOR_ERRORS},
    summary="Mark a question answered (moderators)",
)
def answered_question(request: HttpRequest, question_id: int = QUESTION_ID):
    return _moderate(request, question_id, "answered")


@router.post(
    "workshops/{workshop_id}/moderator-link",
    **organiser(Scope.PROGRAMME),
    response={201: ModeratorLinkOut, **error_responses(401, 404)},
    summary="A new moderator link for a session (organisers)",
)
def new_moderator_link(request: HttpRequest, workshop_id: int = WORKSHOP_ID):
    """The previous link of the session stops working. The answer is the only place the new one is shown."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    room, token = services.new_moderator_token(workshop)
    url = absolute_url(reverse("events:room_moderator", args=[token]), request)
    return Status(201, {"room_code": room.code, "url": url, "token": token})


# The attendee's side, through their private link.


def _found(model, field: str, unknown: str, **lookups):
    """The row the body names, or 422 on that field (as a form would say)."""
    found = model.objects.filter(**lookups).first()
    if found is None:
        raise InvalidInput({field: [unknown]})
    return found


@router.post(
    "registrations/{manage_token}/votes",
    response={200: VoteOut, **error_responses(400, 403, 404, 409, 422)},
    summary="Vote in a poll (or change my vote)",
)
def vote(request: HttpRequest, manage_token: str, payload: VoteIn):
    """One vote per attendee and poll: voting again replaces the earlier vote, until the poll closes."""
    registration = core_selectors.registration_for_token(manage_token)
    poll = _found(
        Poll,
        "poll",
        _("Unknown poll."),
        pk=payload.poll,
        room__workshop__round__event_id=registration.event_id,
    )
    cast = services.vote(registration, poll, payload.choices)
    return {"poll": poll.pk, "choices": cast.choices}


@router.post(
    "registrations/{manage_token}/questions",
    response={201: QuestionCreatedOut, **error_responses(400, 403, 404, 422, 429)},
    summary="Ask a question to a session",
)
def ask(request: HttpRequest, manage_token: str, payload: QuestionIn):
    """The moderator sees who asked; the room sees the question once approved, with the name only
    when `show_name` is true."""
    registration = core_selectors.registration_for_token(manage_token)
    workshop = _found(
        Workshop, "session", _("Unknown session."), pk=payload.session, round__event_id=registration.event_id
    )
    question = services.ask(registration, workshop, text=payload.text, show_name=payload.show_name)
    return Status(201, {"id": question.pk, "status": question.status})


@router.post(
    "registrations/{manage_token}/questions/{question_id}/upvote",
    response={200: UpvoteOut, **error_responses(403, 404)},
    summary="Upvote a question (once)",
)
def upvote(request: HttpRequest, manage_token: str, question_id: int = QUESTION_ID):
    registration = core_selectors.registration_for_token(manage_token)
    question = services.upvote(registration, get_object_or_404(Question, pk=question_id))
    return {"id": question.pk, "votes": question.upvote_count}
