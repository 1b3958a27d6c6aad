from datetime import datetime

from ninja import Field, Schema

from events.announcements.models import TEXT_MAX_LENGTH
from events.schemas import ObjectId


class AnnouncementIn(Schema):
    # The service normalises and checks the text (422 with a message per field); the schema only
    # keeps out what no person types.
    text: str = Field(max_length=TEXT_MAX_LENGTH * 4)
    workshop: ObjectId | None = Field(
        None, description="For this workshop's attendees only (id); none: everyone."
    )
    expires_at: datetime | None = Field(
        None, description="Shown until (without a time zone: Europe/Amsterdam); default two hours from now."
    )


class AnnouncementOut(Schema):
    id: int
    text: str = Field(description="Plain text: pages show it escaped.")
    workshop: int | None
    workshop_title: str
    expires_at: datetime
    created_at: datetime
    withdrawn_at: datetime | None
