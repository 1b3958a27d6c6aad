"""Wire shapes of polls and questions."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from events.room.models import (
    MAX_OPTIONS,
    OPTION_MAX_LENGTH,
    POLL_QUESTION_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    WORD_MAX_LENGTH,
    Poll,
    Question,
)
from events.room.selectors import public_poll
from events.schemas import ObjectId

PollKind = Literal[tuple(Poll.Kind.values)]  # type: ignore[valid-type]
# A choice is an option's index (from 0), a scale value (1–5) or, for a word poll, the word.
Choice = Annotated[int, Field(ge=0, le=100)] | Annotated[str, Field(max_length=WORD_MAX_LENGTH)]


class PollIn(Schema):
    question: str = Field(max_length=POLL_QUESTION_MAX_LENGTH)
    kind: PollKind  # type: ignore[valid-type]
    options: list[Annotated[str, Field(max_length=OPTION_MAX_LENGTH)]] | None = Field(
        None, max_length=MAX_OPTIONS, description="2–10 options for `single` and `multiple`; none otherwise."
    )


class PollCreatedOut(Schema):
    id: int
    status: Literal["draft"]
    room_code: str


class ResultCount(Schema):
    label: str = Field(description="The option, the scale value or the word.")
    count: int


class ResultsOut(Schema):
    votes: int = Field(description="Attendees who voted.")
    counts: list[ResultCount] = Field(description="Per option or scale value; words most frequent first.")
    average: float | None = Field(None, description="A scale poll's average; null otherwise.")


class PollOut(Schema):
    id: int
    question: str
    kind: PollKind  # type: ignore[valid-type]
    options: list[str]
    status: Literal["draft", "open", "closed"]
    room_code: str
    results: ResultsOut


def poll_out(poll: Poll) -> dict:
    return {**public_poll(poll), "room_code": poll.room.code}


class VoteIn(Schema):
    poll: ObjectId
    choices: list[Choice] = Field(  # type: ignore[valid-type]
        max_length=MAX_OPTIONS,
        description="Option indexes (from 0) for `single` (one) and `multiple`; `[n]` with n 1–5 for "
        "`scale`; one word or short phrase for `words`.",
    )


class VoteOut(Schema):
    poll: int
    choices: list[int | str]


class QuestionIn(Schema):
    session: ObjectId = Field(description="The workshop (or plenary session) id.")
    text: str = Field(max_length=QUESTION_MAX_LENGTH, description="Plain text (no markup is rendered).")
    show_name: bool = Field(False, description="Show the asker's name to the room.")


class QuestionCreatedOut(Schema):
    id: int
    status: Literal["pending"]


class UpvoteOut(Schema):
    id: int
    votes: int


class AskerOut(Schema):
    name: str
    role: str
    affiliation: str


class ModeratorQuestionOut(Schema):
    id: int
    text: str
    status: Literal["pending", "approved", "hidden", "answered"]
    show_name: bool
    votes: int
    asked_by: AskerOut = Field(description="Moderators always see who asked.")
    created_at: datetime


def moderator_question_out(question: Question) -> dict:
    registration = question.registration
    return {
        "id": question.pk,
        "text": question.text,
        "status": question.status,
        "show_name": question.show_name,
        "votes": question.upvote_count,
        "asked_by": {
            "name": registration.full_name,
            "role": str(registration.get_role_display()),
            "affiliation": registration.affiliation,
        },
        "created_at": question.created_at,
    }


class ModeratorLinkOut(Schema):
    room_code: str
    url: str = Field(description="The moderator's private page; shown once (the server keeps a hash).")
    token: str = Field(description="Bearer token for the moderator operations of this session.")
