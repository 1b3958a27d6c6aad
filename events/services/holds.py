"""Workshop seats held back for an invitation code's registrants (events.WorkshopHold): checking
new holds, and releasing them to the waiting list by an organiser or at their moment.

Which seats a registration may take under the holds is decided in one place:
events.services.seats.free_seats.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import audit, outbox
from events.errors import InvalidInput
from events.models import Event, InvitationCode, Workshop, WorkshopHold
from events.services.seats import announce_after_commit, lock_workshops, promote

# At most this many holds are released per round of the periodic job (the next round goes on).
RELEASE_BATCH = 100


@dataclass(frozen=True)
class HoldRequest:
    """A hold asked for with a new code: seats of one workshop, perhaps until a moment."""

    workshop: int
    seats: int
    release_at: datetime | None = None


def hold_problem(event: Event, workshop: Workshop | None, seats: int) -> str | None:
    """Why a hold of `seats` in `workshop` cannot be made for a code of `event`, or None."""
    if workshop is None or workshop.round.event_id != event.pk or not workshop.round.is_bookable:
        return str(_("Not a bookable workshop of this event."))
    if not 0 < seats <= workshop.capacity:
        return str(
            _("“%(title)s” has %(capacity)s seats: hold back 1 up to %(capacity)s.")
            % {"title": workshop.title, "capacity": workshop.capacity}
        )
    return None


def check_holds(event: Event, requests: Iterable[HoldRequest]) -> list[tuple[Workshop, HoldRequest]]:
    """The workshops of the requested holds, or InvalidInput (422) on `holds`: a workshop of
    another edition, twice, no seats or more than it has."""
    requests = list(requests)
    workshops = Workshop.objects.select_related("round").in_bulk([request.workshop for request in requests])
    problems, checked = [], []
    for request in requests:
        workshop = workshops.get(request.workshop)
        if problem := hold_problem(event, workshop, request.seats):
            problems.append(problem)
        elif any(workshop.pk == earlier.pk for earlier, _request in checked):
            problems.append(str(_("“%(title)s” is held back twice.") % {"title": workshop.title}))
        else:
            checked.append((workshop, request))
    if problems:
        raise InvalidInput({"holds": problems})
    return checked


def make_holds(code: InvitationCode, checked: list[tuple[Workshop, HoldRequest]]) -> list[WorkshopHold]:
    """Store checked holds of a new code (inside the caller's transaction)."""
    return WorkshopHold.objects.bulk_create(
        WorkshopHold(code=code, workshop=workshop, seats=request.seats, release_at=request.release_at)
        for workshop, request in checked
    )


def release_hold(hold: WorkshopHold, now: datetime | None = None) -> bool:
    """Give a hold's unused seats to the workshop's waiting list at once (seat_granted mails, live
    events after the commit). Once: a hold released already (by someone else just now, or by the
    periodic job in another process) is left alone. Returns whether this call released it."""
    now = now or timezone.now()
    with transaction.atomic():
        # The workshop rows first, as every change of seats; the conditional UPDATE decides who releases.
        locked = lock_workshops([hold.workshop_id], whole_rounds=True)
        if not WorkshopHold.objects.filter(pk=hold.pk, released_at__isnull=True).update(released_at=now):
            return False
        hold = WorkshopHold.objects.select_related("code").get(pk=hold.pk)
        promoted = promote(locked[hold.workshop_id], locked)
        audit.log(
            hold,
            "workshop_hold.released",
            event=hold.code.event_id,
            data={"promoted": len(promoted)} if promoted else {},
        )
        announce_after_commit(
            registrations=[(booking.registration_id, "changed") for booking in promoted], workshops=locked
        )
    return True


@outbox.periodic
def release_due_holds(now: datetime | None = None) -> int:
    """Release the holds whose moment came; safe in every process at once (see release_hold).
    Returns how many this call released."""
    now = now or timezone.now()
    due = WorkshopHold.objects.open().filter(release_at__lte=now).order_by("release_at", "pk")
    return sum(release_hold(hold, now) for hold in due[:RELEASE_BATCH])
