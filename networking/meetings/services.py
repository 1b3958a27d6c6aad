"""State changes of 1:1 meetings. Each runs in one transaction; mails go through the outbox and the
organisers' counts live after commit.

Locks, always in this order so that two changes never wait on each other: the meeting's row, then
its slot's row (the slot's tables are its capacity: two acceptances in one slot take turns), then
both people's registrations in id order (one accepted meeting per person at a time)."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import outbox
from events.models import Event, Municipality, Registration, Round
from networking import live
from networking.errors import MeetingError
from networking.meetings import selectors
from networking.models import Intake, Meeting, MeetingSlot, SignupContact

EMAIL_KIND = "networking_meeting"

# Meetings that are still open: asked and not answered, or agreed.
OPEN = [Meeting.State.REQUESTED, Meeting.State.ACCEPTED]


def _unknown_meeting() -> MeetingError:
    return MeetingError("unknown_meeting", _("This meeting does not exist (any more)."), status=404)


def _lock_people(*registration_ids: int) -> None:
    """Both registrations, in id order; they must still be attending."""
    attending = list(
        Registration.objects.select_for_update()
        .filter(pk__in=registration_ids, status=Registration.Status.CONFIRMED, erased_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(attending) != len(set(registration_ids)):
        raise MeetingError("not_registered", _("One of you is no longer registered."), status=409)


def _check_free(
    slot: MeetingSlot, requester: Registration, invitee: Registration, *, me: Registration
) -> None:
    """Both free in the slot: `me` is the one asking or accepting, who hears "you" are busy."""
    for person in (me, invitee if me.pk == requester.pk else requester):
        if selectors.overlaps(slot, selectors.busy_periods(person)):
            if person.pk == me.pk:
                raise MeetingError("busy", _("You already have something else at this time."), field="slot")
            raise MeetingError(
                "other_busy",
                _("%(name)s is not free at this time.") % {"name": person.full_name},
                field="slot",
            )


def _notify(meeting: Meeting, what: str, *people: Registration) -> None:
    for person in people:
        outbox.queue(EMAIL_KIND, to="", registration=person, context={"meeting": meeting.pk, "what": what})
    event_id = meeting.requester.event_id
    transaction.on_commit(lambda: live.publish_meetings(event_id))


def _slot(registration: Registration, slot_id: int) -> MeetingSlot:
    slot = MeetingSlot.objects.filter(pk=slot_id, event_id=registration.event_id).first()
    if slot is None:
        raise MeetingError("unknown_slot", _("This time slot does not exist."), field="slot", status=404)
    if slot.starts_at <= timezone.now():
        raise MeetingError("slot_past", _("This time slot has already begun."), field="slot")
    return slot


def _open_request(
    *, requester: Registration, invitee: Registration, slot: MeetingSlot, message: str, instead_of=None
) -> Meeting:
    _check_free(slot, requester, invitee, me=requester)
    existing = Meeting.objects.filter(
        slot=slot, requester=requester, invitee=invitee, state=Meeting.State.REQUESTED
    ).first()
    if existing is not None:  # asked twice (a double click): the one request
        return existing
    if Meeting.objects.filter(
        slot=slot, requester=invitee, invitee=requester, state=Meeting.State.REQUESTED
    ).exists():
        raise MeetingError(
            "they_asked",
            _("%(name)s already asked you for this time: accept their request.")
            % {"name": invitee.full_name},
        )
    meeting = Meeting.objects.create(
        slot=slot, requester=requester, invitee=invitee, message=message, proposed_instead_of=instead_of
    )
    _notify(meeting, "proposed" if instead_of else "requested", invitee)
    return meeting


def request_meeting(*, requester: Registration, invitee_id: int, slot_id: int, message: str = "") -> Meeting:
    """Ask someone in the directory for a slot in which both are free. Both must be listed."""
    if not requester.is_confirmed:
        raise MeetingError("not_registered", _("Your registration has been cancelled."), status=409)
    if not selectors.is_listed(requester):
        raise MeetingError(
            "not_in_directory", _("Join the attendee directory yourself to ask someone."), status=403
        )
    if invitee_id == requester.pk:
        raise MeetingError("own_meeting", _("You cannot ask yourself for a meeting."), status=422)
    invitee = selectors.listed_person(requester, invitee_id)
    if invitee is None:
        raise MeetingError("unknown_person", _("This person is not in the attendee directory."), status=404)
    slot = _slot(requester, slot_id)
    with transaction.atomic():
        _lock_people(requester.pk, invitee.pk)
        return _open_request(requester=requester, invitee=invitee, slot=slot, message=message)


def _incoming(registration: Registration, meeting_id: int) -> Meeting:
    """A request for this attendee, locked."""
    meeting = (
        Meeting.objects.select_for_update()
        .filter(pk=meeting_id, invitee=registration, state=Meeting.State.REQUESTED)
        .first()
    )
    if meeting is None:
        raise _unknown_meeting()
    return meeting


def accept_meeting(*, registration: Registration, meeting_id: int) -> Meeting:
    """The invitee agrees: the lowest free table of the slot is theirs. None left: `no_table`, with
    the other slots still free for both (`alternatives`), to propose one of them."""
    with transaction.atomic():
        meeting = _incoming(registration, meeting_id)
        slot = MeetingSlot.objects.select_for_update().get(pk=meeting.slot_id)
        _lock_people(meeting.requester_id, meeting.invitee_id)
        requester = meeting.requester
        _check_free(slot, requester, registration, me=registration)
        table = selectors.free_table(slot)
        if table is None:
            raise MeetingError(
                "no_table",
                _("All tables are taken at this time. Propose another time to %(name)s.")
                % {"name": requester.full_name},
                alternatives=selectors.free_slots(requester, registration, exclude=slot.pk),
            )
        meeting.state = Meeting.State.ACCEPTED
        meeting.table = table
        meeting.accepted_at = timezone.now()
        meeting.save(update_fields=["state", "table", "accepted_at", "updated_at"])
        _notify(meeting, "accepted", requester)
    return meeting


def decline_meeting(*, registration: Registration, meeting_id: int) -> Meeting:
    with transaction.atomic():
        meeting = _incoming(registration, meeting_id)
        meeting.state = Meeting.State.DECLINED
        meeting.save(update_fields=["state", "updated_at"])
        _notify(meeting, "declined", meeting.requester)
    return meeting


def propose_other_slot(
    *, registration: Registration, meeting_id: int, slot_id: int, message: str = ""
) -> Meeting:
    """Answer a request with another slot: the request closes as PROPOSED and a new one goes the
    other way round, for the first person to accept or decline. Returns the new request."""
    slot = _slot(registration, slot_id)
    with transaction.atomic():
        meeting = _incoming(registration, meeting_id)
        if slot.pk == meeting.slot_id:
            raise MeetingError("same_slot", _("Choose another time than the one asked for."), field="slot")
        _lock_people(meeting.requester_id, meeting.invitee_id)
        meeting.state = Meeting.State.PROPOSED
        meeting.save(update_fields=["state", "updated_at"])
        return _open_request(
            requester=registration, invitee=meeting.requester, slot=slot, message=message, instead_of=meeting
        )


def cancel_meeting(*, registration: Registration, meeting_id: int, message: str = "") -> Meeting:
    """Withdraw one's request, or call off an agreed meeting (either of the two may), with a message
    for the other. The table is free again; both calendars get the cancellation."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update()
            .involving(registration)
            .filter(pk=meeting_id, state__in=OPEN)
            .first()
        )
        if meeting is None or (
            meeting.state == Meeting.State.REQUESTED and meeting.requester_id != registration.pk
        ):
            raise _unknown_meeting()  # a request for oneself is declined, not cancelled
        was_accepted = meeting.state == Meeting.State.ACCEPTED
        meeting.state = Meeting.State.CANCELLED
        meeting.cancel_message = message
        meeting.cancelled_at = timezone.now()
        if was_accepted:
            meeting.sequence += 1
        meeting.save(update_fields=["state", "cancel_message", "cancelled_at", "sequence", "updated_at"])
        other = meeting.other(registration)
        _notify(meeting, "cancelled", *((other, registration) if was_accepted else (other,)))
    return meeting


# Advisers' intakes. Locks: the adviser's registration (and the booking attendee's, in id order) —
# the same rows an acceptance of a meeting with them locks, so an intake and a meeting never both
# take the adviser's slot.


def _intake_changed(event_id: int) -> None:
    transaction.on_commit(lambda: live.publish_meetings(event_id))


def book_intake(
    *,
    municipality: Municipality | None,
    adviser_id: int,
    slot_id: int,
    registration: Registration | None = None,
    contact: SignupContact | None = None,
) -> Intake:
    """An intake for the municipality with an adviser in a slot in which the adviser (and the
    booking attendee) is free. Booked by an attendee of the municipality (`registration`) or by one
    of its admitted signup contacts (`contact`). Only for municipalities with a place for the Quick
    Scan or a development track. The slot taken meanwhile: `intake_taken`, with the adviser's other
    free slots (`alternatives`)."""
    booker = registration
    if booker is not None and not booker.is_confirmed:
        raise MeetingError("not_registered", _("Your registration has been cancelled."), status=409)
    if contact is not None and not contact.admitted:
        raise MeetingError("not_admitted", _("You are not yet accepted as a contact."), status=403)
    event_id = booker.event_id if booker is not None else contact.signup.offer.event_id
    if municipality is None or not selectors.may_book_intake(event_id, municipality.pk):
        raise MeetingError(
            "not_eligible",
            _("Intakes with an adviser are for municipalities with a Quick Scan or development track."),
            status=403,
        )
    adviser = next((row for row in selectors.advisers(event_id) if row.pk == adviser_id), None)
    if adviser is None:
        raise MeetingError("unknown_adviser", _("This adviser does not exist."), field="adviser", status=404)
    if booker is not None and booker.pk == adviser.pk:
        raise MeetingError("own_intake", _("You cannot book an intake with yourself."), status=422)
    slot = _slot(adviser, slot_id)
    with transaction.atomic():
        _lock_people(adviser.pk, *([booker.pk] if booker is not None else []))
        if Intake.objects.filter(
            adviser=adviser, municipality=municipality, state=Intake.State.BOOKED
        ).exists():
            raise MeetingError(
                "intake_booked",
                _("%(municipality)s already has an intake with %(name)s.")
                % {"municipality": municipality.name, "name": adviser.full_name},
                status=422,
            )
        if booker is not None and selectors.overlaps(slot, selectors.busy_periods(booker)):
            raise MeetingError(
                "busy", _("You already have something else at this time."), field="slot", status=422
            )
        if selectors.overlaps(slot, selectors.busy_periods(adviser)):
            raise MeetingError(
                "intake_taken",
                _("%(name)s is no longer free at this time. Choose another time.")
                % {"name": adviser.full_name},
                field="slot",
                status=422,
                alternatives=selectors.free_intake_slots(adviser, booker, exclude=slot.pk),
            )
        intake = Intake.objects.create(
            slot=slot,
            adviser=adviser,
            municipality=municipality,
            booked_by=booker,
            booked_by_contact=contact,
            booker_name=booker.full_name if booker is not None else contact.name,
        )
        _intake_changed(event_id)
    return intake


def cancel_intake(
    *,
    intake_id: int,
    registration: Registration | None = None,
    municipality: Municipality | None = None,
    contact: SignupContact | None = None,
) -> Intake:
    """Call off a booked intake: the adviser (`registration`), or the municipality: any of its
    attendees (`municipality`) or admitted signup contacts (`contact`). The slot is free again; the
    calendars get the cancellation."""
    if contact is not None:
        if not contact.admitted:
            raise MeetingError("not_admitted", _("You are not yet accepted as a contact."), status=403)
        municipality = contact.signup.municipality
    with transaction.atomic():
        allowed = Q(pk__in=[])
        if registration is not None:
            allowed |= Q(adviser=registration)
        if municipality is not None:
            allowed |= Q(municipality=municipality)
        intake = (
            Intake.objects.select_for_update()
            .filter(allowed, pk=intake_id, state=Intake.State.BOOKED)
            .first()
        )
        if intake is None:
            raise MeetingError("unknown_intake", _("This intake does not exist (any more)."), status=404)
        intake.state = Intake.State.CANCELLED
        intake.cancelled_at = timezone.now()
        intake.sequence += 1
        intake.save(update_fields=["state", "cancelled_at", "sequence", "updated_at"])
        _intake_changed(intake.slot.event_id)
    return intake


def breaks(event: Event) -> list[tuple]:
    """The gaps between the edition's rounds, in time order: (start, end)."""
    rounds = list(Round.objects.filter(event=event).order_by("starts_at"))
    gaps, latest_end = [], None
    for round_ in rounds:
        if latest_end is not None and round_.starts_at > latest_end:
            gaps.append((latest_end, round_.starts_at))
        latest_end = round_.ends_at if latest_end is None else max(latest_end, round_.ends_at)
    return gaps


def fill_breaks_with_slots(event: Event, minutes: int = 15) -> list[MeetingSlot]:
    """Slots of `minutes` back to back in every break between rounds (those already there are
    kept). Returns the slots of the breaks, new and old."""
    length = timedelta(minutes=minutes)
    slots = []
    for start, end in breaks(event):
        while start + length <= end:
            slot, _created = MeetingSlot.objects.get_or_create(
                event=event, starts_at=start, ends_at=start + length
            )
            slots.append(slot)
            start += length
    return slots
