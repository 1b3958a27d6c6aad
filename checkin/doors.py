"""Which workshop a room's door checks: the clock's choice, or the steward's override.

A scanner device stands at a room's door (`Device.room`; none: the entrance). The workshop it checks
follows the clock:

1. the steward's override (`Device.workshop`) while that workshop's round has not ended: an
   override is for a session that runs late or starts early, so it ends with its session instead
   of sticking for the rest of the day;
2. else the room's next session, once it starts within `DOOR_MARGIN_MINUTES` (15): people gather
   at the door before a session, and with rounds back to back the session under way has its
   people inside already (latecomers: the override);
3. else the room's session in progress;
4. else none: no session in this room now (the door says which is next).

Only workshop rounds count (plenary sessions need no door check, see `selectors.doors`). The
scanner decides the same on the phone (checkin/static/checkin/scanner/door.js) from the rooms and
rounds in its offline list, with the phone's clock.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from checkin.models import Device
from checkin.selectors import doors
from events.announcements.live import announcement_out
from events.announcements.models import Announcement
from events.models import Event, Room, Workshop


def margin() -> timedelta:
    return timedelta(minutes=settings.DOOR_MARGIN_MINUTES)


@dataclass
class Door:
    """What a device's door checks at a moment."""

    room: Room | None
    workshop: Workshop | None  # checked now; None at the entrance, or in a room between sessions
    override: Workshop | None  # the steward's choice, while it holds
    next: Workshop | None  # the room's next session after the one checked (or after now)

    @property
    def override_until(self) -> datetime | None:
        return self.override.round.ends_at if self.override else None


def override_holds(workshop: Workshop | None, now: datetime) -> bool:
    return workshop is not None and now < workshop.round.ends_at


def by_clock(workshops: list[Workshop], now: datetime) -> Workshop | None:
    """Of one room's workshops (ordered by start), the one its door checks at `now`."""
    upcoming = [w for w in workshops if now < w.round.starts_at <= now + margin()]
    if upcoming:
        return upcoming[0]
    return next((w for w in workshops if w.round.starts_at <= now < w.round.ends_at), None)


def door_of(device: Device, now: datetime | None = None) -> Door:
    now = now or timezone.now()
    override = device.workshop if override_holds(device.workshop, now) else None
    if device.room_id is None:
        return Door(room=None, workshop=override, override=override, next=None)
    in_room = [w for w in doors(device.event) if w.room_id == device.room_id]
    checked = override or by_clock(in_room, now)
    after = checked.round.starts_at if checked else now
    following = next((w for w in in_room if w.round.starts_at > after), None)
    return Door(room=device.room, workshop=checked, override=override, next=following)


def door_announcements(event: Event, device: Device | None) -> list[dict]:
    """The announcements shown now on a scanner: those for everyone and, on a paired device, those
    for the workshop its door checks or any workshop in its room (a steward at room 5 should hear
    that room 5's next session moved). An organiser's phone has no door on the server: all of them."""
    found = Announcement.objects.active(event.pk).select_related("workshop")
    if device is not None:
        door = door_of(device)
        mine = Q(workshop__isnull=True)
        if door.workshop is not None:
            mine |= Q(workshop=door.workshop)
        if door.room is not None:
            mine |= Q(workshop__room=door.room)
        found = found.filter(mine)
    return [announcement_out(announcement) for announcement in found]
