"""The planning board's API shapes."""

from datetime import time

from ninja import Field, Schema

from events.schemas import ObjectId

# Checked in the services (a clear message per field); bounded here so no number overflows.
Capacity = Field(ge=-100000, le=100000)


class RoomBoardOut(Schema):
    id: int
    name: str
    capacity: int
    directions: str


class RoundBoardOut(Schema):
    id: int
    label: str
    kind: str
    starts: str = Field(description="Start on the event's clock (Europe/Amsterdam), HH:MM.")
    ends: str


class CardOut(Schema):
    id: int
    title: str
    description: str
    speakers: list[str]
    capacity: int
    booked: int
    waitlisted: int
    room: int
    round: int
    room_capacity: int
    version: int = Field(description="The card's version (the workshop's SEQUENCE): send it with a change.")
    status: str


class BoardEventOut(Schema):
    name: str
    date: str


class BoardOut(Schema):
    event: BoardEventOut
    rooms: list[RoomBoardOut]
    rounds: list[RoundBoardOut]
    workshops: list[CardOut]


class ChangeIn(Schema):
    """Move `workshop` to (`room`, `round`), swap it with `swap_with`, or give it a new `capacity`."""

    workshop: ObjectId
    version: int = Field(ge=0, le=2**31 - 1)
    room: ObjectId | None = None
    round: ObjectId | None = None
    capacity: int | None = Field(None, ge=1, le=100000)
    swap_with: ObjectId | None = None
    swap_version: int | None = Field(None, ge=0, le=2**31 - 1)


class ConflictOut(Schema):
    code: str = Field(
        description="room_too_small, room_taken, speaker_twice, attendees_booked_elsewhere, capacity_exceeds_room, …"
    )
    workshop: int
    message: str
    blocking: bool = Field(description="Apply would be refused.")


class PreviewOut(Schema):
    mails: int
    calendar_updates: int
    promoted: int
    released: int
    stale: bool
    conflicts: list[ConflictOut]
    can_apply: bool


class StaleOut(Schema):
    detail: str
    code: str
    errors: dict[str, list[str]] = {}
    workshops: list[CardOut] = Field(
        default_factory=list,
        description="The current state of the cards the change was about (a stale version).",
    )


class RoomIn(Schema):
    name: str = Field(max_length=100)
    capacity: int = Capacity
    directions: str = Field("", max_length=200)


class RoundIn(Schema):
    label: str = Field(max_length=100)
    starts: time = Field(description="On the event's clock (Europe/Amsterdam).")
    ends: time
    kind: str = Field("workshops", max_length=16)


class RoundChangeIn(Schema):
    label: str = Field(max_length=100)
    starts: time
    ends: time


class WorkshopIn(Schema):
    title: str = Field(max_length=200)
    room: ObjectId
    round: ObjectId
    capacity: int = Capacity
    description: str = Field("", max_length=5000)
    speakers: list[str] = Field(default_factory=list, max_length=20)


class WorkshopDetailsIn(Schema):
    version: int = Field(ge=0, le=2**31 - 1)
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    speakers: list[str] = Field(default_factory=list, max_length=20)


class CreatedOut(Schema):
    id: int
