"""Seats given at a workshop's door."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from events import audit
from events.errors import RegistrationError
from events.models import Booking, Registration, Workshop
from events.services.seats import (
    announce_bookings_after_commit,
    calendar_changed,
    free_seats,
    lock_workshops,
    promote,
)


def book_walk_in(registration: Registration, workshop: Workshop) -> Booking:
    """Seat someone who walks up to a workshop's door without a booking, if a seat is free.

    The workshop rows are locked, so concurrent walk-ins never fill more seats than there are. The
    registration's other bookings in the same round (a seat or a waitlist place elsewhere) are
    replaced by this one, one booking per round; a seat it gives up goes to that workshop's
    waitlist at once.
    """
    with transaction.atomic():
        # The whole round: the seat given up may go to someone waiting to swap (see seats.promote).
        locked = lock_workshops([workshop.pk], whole_rounds=True)
        target = locked[workshop.pk]
        if not (target.allow_walk_ins and target.is_bookable and registration.is_confirmed):
            raise RegistrationError("walk_in_not_allowed", _("This workshop takes no walk-ins."))
        held = list(Booking.objects.filter(registration=registration, round=target.round))
        seat = next((booking for booking in held if not booking.swap), None)
        if seat is not None and seat.workshop_id == target.pk and seat.status == Booking.Status.BOOKED:
            return seat
        if free_seats(target, registration) == 0:
            raise RegistrationError("workshop_full", _("This workshop is full."))
        freed = seat.workshop_id if seat is not None and seat.status == Booking.Status.BOOKED else None
        given_up = [locked[seat.workshop_id].title] if seat is not None and seat.workshop_id in locked else []
        Booking.objects.filter(pk__in=[booking.pk for booking in held]).delete()
        booking = Booking.objects.create(
            registration=registration, workshop=target, round=target.round, status=Booking.Status.BOOKED
        )
        calendar_changed([registration.pk])
        if freed is not None:
            promote(locked[freed], locked)
        # The scan itself is in the scan log; the trail keeps what it changed in the bookings.
        audit.log(registration, "registration.walked_in", changes={"workshops": [given_up, [target.title]]})
        announce_bookings_after_commit(registrations=[(registration.pk, "changed")], workshops=locked)
    return booking
