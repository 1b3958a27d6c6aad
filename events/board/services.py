"""The planning board's changes: the preview of a move, swap or capacity change (what the
programme service would do, without doing it), and setting up rooms, rounds and workshops.

Moves and swaps themselves go through events.services.programme; this module only adds the
dry run and the forms' state changes, each in one transaction with coded errors."""

from dataclasses import dataclass
from datetime import datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events import audit, live, times
from events.errors import InvalidInput, WorkshopError
from events.models import Booking, Event, OutboundEmail, Room, Round, Speaker, Workshop
from events.services import programme
from events.services.seats import announce_after_commit, lock_workshops


@dataclass(frozen=True)
class Change:
    """One card's change on the board: a move to (room, round), a swap with another card, or a
    new capacity. Versions are the cards' sequences as the organiser saw them."""

    workshop: Workshop
    version: int
    room: Room | None = None
    round: Round | None = None
    capacity: int | None = None
    other: Workshop | None = None
    other_version: int | None = None

    @property
    def ids(self) -> list[int]:
        return [self.workshop.pk] + ([self.other.pk] if self.other else [])


def in_event(model, pk: int | None, event: Event, field: str):
    """The row `pk` of this event's `model`, or None without a pk; another event's or a missing
    one is an error on `field`."""
    if pk is None:
        return None
    path = "round__event" if model is Workshop else "event"
    found = model.objects.filter(pk=pk, **{path: event}).first()
    if found is None:
        unknown = {Workshop: _("Unknown workshop."), Room: _("Unknown room."), Round: _("Unknown round.")}
        raise InvalidInput({field: [unknown[model]]})
    return found


def change_from_ids(
    event: Event,
    *,
    workshop: int,
    version: int,
    room: int | None = None,
    round: int | None = None,
    capacity: int | None = None,
    swap_with: int | None = None,
    swap_version: int | None = None,
) -> Change:
    """A change as the board sends it (ids), checked: every id of this event, and a change that
    says something (a place, a capacity, or a card to swap with and its version)."""
    card = in_event(Workshop, workshop, event, "workshop")
    other = in_event(Workshop, swap_with, event, "swap_with")
    if other is not None and swap_version is None:
        raise InvalidInput({"swap_version": [_("Send the version of the other card.")]})
    if other is None and room is None and round is None and capacity is None:
        raise InvalidInput({"workshop": [_("Say where the workshop goes, or its new capacity.")]})
    return Change(
        workshop=card,
        version=version,
        room=in_event(Room, room, event, "room"),
        round=in_event(Round, round, event, "round"),
        capacity=capacity,
        other=other,
        other_version=swap_version,
    )


def apply_change(change: Change) -> dict:
    """Carry out the change through the programme service; counts of told, released, promoted."""
    if change.other is not None:
        return programme.swap_workshops(
            change.workshop,
            change.other,
            versions={change.workshop.pk: change.version, change.other.pk: change.other_version},
        )
    return programme.move_workshop(
        change.workshop,
        version=change.version,
        room=change.room,
        round=change.round,
        capacity=change.capacity,
    )


class _DryRun(Exception):
    pass


def _targets(change: Change) -> dict[int, tuple[Room, Round]]:
    """Where each card of the change ends up."""
    first = change.workshop
    if change.other is not None:
        other = change.other
        return {first.pk: (other.room, other.round), other.pk: (first.room, first.round)}
    return {first.pk: (change.room or first.room, change.round or first.round)}


def _conflicts(change: Change) -> list[dict]:
    """What is wrong or worth knowing in the state after the change, as the board shows it."""
    targets = _targets(change)
    workshops = {
        w.pk: w
        for w in Workshop.objects.filter(pk__in=list(targets)).select_related("room", "round").with_counts()
    }
    found: list[dict] = []

    def add(code: str, workshop: Workshop, message: str, blocking: bool) -> None:
        found.append({"code": code, "workshop": workshop.pk, "message": message, "blocking": blocking})

    for pk, (room, round_) in targets.items():
        workshop = workshops[pk]
        others = (
            Workshop.objects.filter(round=round_, status=Workshop.Status.SCHEDULED)
            .exclude(pk__in=list(targets))
            .select_related("room")
            .prefetch_related("speakers")
        )
        # Who keeps a seat: those without another booking in the new round.
        bookings = workshop.bookings.filter(status=Booking.Status.BOOKED)
        elsewhere = 0
        if round_.pk != workshop.round_id:
            partners = [other for other in targets if other != pk]
            elsewhere = (
                workshop.bookings.filter(registration__bookings__round=round_)
                .exclude(registration__bookings__workshop_id__in=partners)
                .values("registration")
                .distinct()
                .count()
            )
            bookings = bookings.exclude(registration__bookings__round=round_)
        booked = bookings.count() if elsewhere else workshop.booked
        if room.capacity < booked:
            add(
                "room_too_small",
                workshop,
                _("%(room)s seats %(seats)s, but “%(title)s” has %(booked)s people booked.")
                % {"room": room.name, "seats": room.capacity, "title": workshop.title, "booked": booked},
                True,
            )
        for other in others:
            if other.room_id == room.pk:
                add(
                    "room_taken",
                    workshop,
                    _("%(room)s is already in use in %(round)s by “%(title)s”.")
                    % {"room": room.name, "round": round_.label, "title": other.title},
                    True,
                )
        speakers = {speaker.pk: speaker.name for speaker in workshop.speakers.all()}
        for other in others:
            for speaker in other.speakers.all():
                if speaker.pk in speakers:
                    add(
                        "speaker_twice",
                        workshop,
                        _("%(speaker)s also speaks in “%(title)s” in %(round)s.")
                        % {"speaker": speaker.name, "title": other.title, "round": round_.label},
                        False,
                    )
        if elsewhere:
            add(
                "attendees_booked_elsewhere",
                workshop,
                _(
                    "%(count)s attendees of “%(title)s” already have a booking in %(round)s: they lose "
                    "their place in this workshop and get a mail."
                )
                % {"count": elsewhere, "title": workshop.title, "round": round_.label},
                False,
            )
        if change.capacity is not None and change.capacity > room.capacity:
            add(
                "capacity_exceeds_room",
                workshop,
                _("The capacity (%(capacity)s) is larger than the room (%(room)s places).")
                % {"capacity": change.capacity, "room": room.capacity},
                True,
            )
    return found


def preview(change: Change) -> dict:
    """The consequences of `change`, from a dry run of the programme service that is rolled
    back: mails, calendar updates, who moves up from a waitlist, and every conflict."""
    conflicts = _conflicts(change)
    result = {"mails": 0, "calendar_updates": 0, "promoted": 0, "released": 0, "stale": False}
    try:
        with transaction.atomic():
            first_mail = OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            counts = apply_change(change)
            result["mails"] = OutboundEmail.objects.filter(pk__gt=first_mail).count()
            seated = (
                Booking.objects.filter(workshop_id__in=change.ids, status=Booking.Status.BOOKED)
                .values("registration")
                .distinct()
                .count()
            )
            result["calendar_updates"] = seated + counts["released"]
            result["promoted"], result["released"] = counts["promoted"], counts["released"]
            raise _DryRun
    except _DryRun:
        pass
    except programme.StaleVersion:
        result["stale"] = True
    except WorkshopError as error:
        # A room smaller than the booked number is what the service calls a capacity below it.
        same = {error.code, "room_too_small"} if error.code == "capacity_below_booked" else {error.code}
        if not any(conflict["code"] in same for conflict in conflicts):
            conflicts.append(
                {
                    "code": error.code,
                    "workshop": change.workshop.pk,
                    "message": error.message,
                    "blocking": True,
                }
            )
    result["conflicts"] = conflicts
    result["can_apply"] = not result["stale"] and not any(conflict["blocking"] for conflict in conflicts)
    return result


# Setting up an edition from the board.


def _announce_board(event_id: int) -> None:
    """Open boards re-read their state (a room or round is no workshop message)."""
    transaction.on_commit(lambda: live.publish(live.programme(event_id), {"type": "board"}))


def _required(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput({field: [_("This field is required.")]})
    return value


def _positive(value: int, field: str) -> int:
    if value is None or value < 1:
        raise InvalidInput({field: [_("Enter a number of at least 1.")]})
    return value


def create_room(event: Event, *, name: str, capacity: int, directions: str = "") -> Room:
    name = _required(name, "name")
    capacity = _positive(capacity, "capacity")
    with transaction.atomic():
        if Room.objects.filter(event=event, name__iexact=name).exists():
            raise InvalidInput({"name": [_("There is already a room with this name.")]})
        room = Room.objects.create(event=event, name=name, capacity=capacity, directions=directions.strip())
        audit.log(room, "room.created", event=event)
        _announce_board(event.pk)
    return room


def update_room(room: Room, *, name: str, capacity: int, directions: str | None = None) -> Room:
    name = _required(name, "name")
    capacity = _positive(capacity, "capacity")
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=room.pk)
        if Room.objects.filter(event_id=room.event_id, name__iexact=name).exclude(pk=room.pk).exists():
            raise InvalidInput({"name": [_("There is already a room with this name.")]})
        largest = (
            Workshop.objects.filter(room=room, status=Workshop.Status.SCHEDULED)
            .order_by("-capacity")
            .values_list("capacity", flat=True)
            .first()
        )
        if largest is not None and capacity < largest:
            raise InvalidInput(
                {
                    "capacity": [
                        _("A workshop in this room seats %(seats)s: lower its capacity first.")
                        % {"seats": largest}
                    ]
                }
            )
        fields = ["name", "capacity", "directions"]
        before = audit.values(room, fields)
        renamed = name != room.name
        room.name, room.capacity = name, capacity
        if directions is not None:
            room.directions = directions.strip()
        room.save(update_fields=fields)
        if changed := audit.changes(before, audit.values(room, fields)):
            audit.log(room, "room.changed", event=room.event_id, changes=changed)
        if renamed:
            programme.workshops_details_changed(room.workshops.all())
        _announce_board(room.event_id)
    return room


def _moment(event: Event, value: time) -> datetime:
    """A time of day on the event's date, on the event's clock (Europe/Amsterdam)."""
    # A zone sent with the time is ignored: the times on the board are the event's clock.
    moment = datetime.combine(event.date, value.replace(tzinfo=None))
    return timezone.make_aware(moment, timezone.get_default_timezone())


def _times(event: Event, starts: time, ends: time) -> tuple[datetime, datetime]:
    if starts is None or ends is None:
        raise InvalidInput({"starts": [_("This field is required.")]})
    starts_at, ends_at = _moment(event, starts), _moment(event, ends)
    if ends_at <= starts_at:
        raise InvalidInput({"ends": [_("A round must end after it starts.")]})
    return starts_at, ends_at


def create_round(
    event: Event, *, label: str, starts: time, ends: time, kind: str = Round.Kind.WORKSHOPS
) -> Round:
    label = _required(label, "label")
    if kind not in Round.Kind.values:
        raise InvalidInput({"kind": [_("Choose a kind of round.")]})
    starts_at, ends_at = _times(event, starts, ends)
    with transaction.atomic():
        round_ = Round.objects.create(
            event=event, label=label, kind=kind, starts_at=starts_at, ends_at=ends_at
        )
        audit.log(round_, "round.created", event=event)
        _announce_board(event.pk)
    return round_


def update_round(round_: Round, *, label: str, starts: time, ends: time) -> Round:
    label = _required(label, "label")
    starts_at, ends_at = _times(round_.event, starts, ends)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().select_related("event").get(pk=round_.pk)
        if round_.label != label:
            before = audit.values(round_, ["label"])
            round_.label = label
            round_.save(update_fields=["label"])
            audit.log(
                round_,
                "round.changed",
                event=round_.event_id,
                changes=audit.changes(before, audit.values(round_, ["label"])),
            )
            programme.workshops_details_changed(round_.workshops.all())
        if (starts_at, ends_at) != (round_.starts_at, round_.ends_at):
            programme.reschedule_round(round_, starts_at=starts_at, ends_at=ends_at)
        _announce_board(round_.event_id)
    return round_


def _speakers(event: Event, names: list[str]) -> list[Speaker]:
    found = []
    for name in dict.fromkeys(name.strip() for name in names if name.strip()):
        speaker = Speaker.objects.filter(event=event, name__iexact=name).first()
        found.append(speaker or Speaker.objects.create(event=event, name=name))
    return found


def _slug(title: str, round_: Round, exclude: int | None = None) -> str:
    base = (slugify(title) or "workshop")[:70]
    slug, n = base, 1
    while Workshop.objects.filter(round=round_, slug=slug).exclude(pk=exclude).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_workshop(
    event: Event,
    *,
    title: str,
    room: Room,
    round: Round,
    capacity: int,
    description: str = "",
    speakers: list[str] = (),
) -> Workshop:
    title = _required(title, "title")
    capacity = _positive(capacity, "capacity")
    if room.event_id != event.pk or round.event_id != event.pk:
        raise InvalidInput({"room": [_("Room and round must belong to the same event.")]})
    with transaction.atomic():
        lock_workshops(round.workshops.values_list("pk", flat=True))
        workshop = Workshop(
            title=title, room=room, round=round, capacity=capacity, description=description.strip()
        )
        programme.check_workshop_change(workshop, room=room, round=round, capacity=capacity)
        workshop.slug = _slug(title, round)
        try:
            with transaction.atomic():
                workshop.save()
        except IntegrityError as error:
            raise WorkshopError(
                "room_taken", _("This room is already in use in this round."), field="room"
            ) from error
        workshop.speakers.set(_speakers(event, list(speakers)))
        audit.log(workshop, "workshop.created", event=event.pk)
        announce_after_commit(workshops=[workshop.pk])
        _announce_board(event.pk)
    return workshop


def update_workshop_details(
    workshop: Workshop, *, version: int, title: str, description: str, speakers: list[str]
) -> Workshop:
    """Title, description and speakers, based on the card's version (stale: 409)."""
    title = _required(title, "title")
    with transaction.atomic():
        locked = lock_workshops([workshop.pk])
        if workshop.pk not in locked or locked[workshop.pk].sequence != version:
            raise programme.StaleVersion([workshop.pk])
        workshop = locked[workshop.pk]
        fields = ["title", "description"]
        before = audit.values(workshop, fields)
        workshop.title, workshop.description = title, description.strip()
        workshop.save(update_fields=[*fields, "updated_at"])
        old_speakers = sorted(workshop.speakers.values_list("name", flat=True))
        new_speakers = _speakers(workshop.round.event, list(speakers))
        workshop.speakers.set(new_speakers)
        changed = audit.changes(before, audit.values(workshop, fields))
        if old_speakers != sorted(speaker.name for speaker in new_speakers):
            changed["speakers"] = [old_speakers, sorted(speaker.name for speaker in new_speakers)]
        if changed:
            audit.log(workshop, "workshop.changed", event=workshop.round.event_id, changes=changed)
            programme.workshops_details_changed([workshop])
    return workshop


def board_state(event: Event) -> dict:
    """Everything the board draws: rooms, rounds (times on the event's clock) and the scheduled
    workshops as cards with their versions."""
    rooms = list(Room.objects.filter(event=event).order_by("name"))
    rounds = list(Round.objects.filter(event=event).order_by("starts_at"))
    workshops = Workshop.objects.programme(event).filter(status=Workshop.Status.SCHEDULED).order_by("pk")
    return {
        "event": {"name": event.name, "date": event.date.isoformat()},
        "rooms": [
            {"id": r.pk, "name": r.name, "capacity": r.capacity, "directions": r.directions} for r in rooms
        ],
        "rounds": [
            {
                "id": r.pk,
                "label": r.label,
                "kind": r.kind,
                "starts": times.clock(r.starts_at),
                "ends": times.clock(r.ends_at),
            }
            for r in rounds
        ],
        "workshops": [card(w) for w in workshops],
    }


def card(workshop: Workshop) -> dict:
    """A workshop as a card (needs Workshop.objects.programme's counts and speakers)."""
    return {
        "id": workshop.pk,
        "title": workshop.title,
        "description": workshop.description,
        "speakers": [speaker.name for speaker in workshop.speakers.all()],
        "capacity": workshop.capacity,
        "booked": workshop.booked,
        "waitlisted": workshop.waitlisted,
        "room": workshop.room_id,
        "round": workshop.round_id,
        "room_capacity": workshop.room.capacity,
        "version": workshop.sequence,
        "status": workshop.status,
    }


def cards(workshop_ids: list[int]) -> list[dict]:
    """The current state of these cards (a refused change answers with them)."""
    return [
        card(workshop)
        for workshop in Workshop.objects.filter(pk__in=workshop_ids)
        .select_related("round", "room")
        .prefetch_related("speakers")
        .with_counts()
        .order_by("pk")
    ]
