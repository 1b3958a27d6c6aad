"""Changing to a full workshop keeps the seat one has in that round until the new one frees up;
then the two swap in one transaction, and the seat given up goes on to whoever waits for it."""

import pytest

from events import services
from events.models import Booking, OutboundEmail, Room, Workshop
from events.outbox import BUILDERS
from tests.concurrency import race
from tests.support import requires_postgres


def held(registration) -> list[tuple[str, str, bool]]:
    return [
        (booking.workshop.slug, booking.status, booking.swap)
        for booking in registration.bookings.select_related("workshop").order_by("round__starts_at", "swap")
    ]


def mails(kind: str) -> list[str]:
    return list(OutboundEmail.objects.filter(kind=kind).order_by("pk").values_list("to", flat=True))


@pytest.fixture
def full_small(make_attendee, programme):
    """`small` (two seats) is full; `swapper` has a seat in `raad` and waits for `small`."""
    first, second = make_attendee(1, programme["small"]), make_attendee(2, programme["small"])
    swapper = make_attendee(3, programme["raad"])
    services.change_workshops(swapper, [programme["small"]])
    return first, second, swapper


def test_the_swap_happens_when_a_seat_comes_free(full_small, make_attendee, programme):
    first, _second, swapper = full_small
    waiting_for_raad = make_attendee(4)
    programme["raad"].capacity = 1
    programme["raad"].save()
    services.change_workshops(waiting_for_raad, [programme["raad"]])  # raad is full: plain waitlist
    assert held(waiting_for_raad) == [("sterke-raad", "waitlisted", False)]

    services.cancel_registration(first)

    assert held(swapper) == [("klein-gezelschap", "booked", False)]
    # The seat given up in raad went straight to the first in line there.
    assert held(waiting_for_raad) == [("sterke-raad", "booked", False)]
    assert mails("seat_swapped") == ["deelnemer3@x.example"]
    assert mails("seat_granted") == ["deelnemer4@x.example"]


def test_swaps_cascade_through_a_round(make_attendee, programme, event):
    """A waits for B while holding A's seat; someone else waits for A while holding C: one freed
    seat in B moves both."""
    room = Room.objects.create(event=event, name="Zaal C", capacity=10)
    third = Workshop.objects.create(
        slug="derde", title="Derde", round=programme["rounds"]["first"], room=room, capacity=1
    )
    programme["raad"].capacity = 1
    programme["raad"].save()
    in_small = [make_attendee(1, programme["small"]), make_attendee(2, programme["small"])]
    holds_raad = make_attendee(3, programme["raad"])
    holds_third = make_attendee(4, third)
    services.change_workshops(holds_raad, [programme["small"]])
    services.change_workshops(holds_third, [programme["raad"]])

    services.change_workshops(in_small[0], [])

    assert held(holds_raad) == [("klein-gezelschap", "booked", False)]
    assert held(holds_third) == [("sterke-raad", "booked", False)]
    assert Booking.objects.filter(workshop=third).count() == 0


def test_choosing_the_kept_workshop_again_stops_waiting(full_small, programme):
    _first, _second, swapper = full_small
    services.change_workshops(swapper, [programme["raad"]])
    assert held(swapper) == [("sterke-raad", "booked", False)]


def test_choosing_a_workshop_with_a_free_seat_gives_up_both(full_small, make_attendee, programme, event):
    _first, _second, swapper = full_small
    room = Room.objects.create(event=event, name="Zaal C", capacity=10)
    free = Workshop.objects.create(
        slug="vrij", title="Vrij", round=programme["rounds"]["first"], room=room, capacity=5
    )
    services.change_workshops(swapper, [free])
    assert held(swapper) == [("vrij", "booked", False)]


def test_the_page_and_the_mail_say_the_seat_is_kept(full_small, client):
    _first, _second, swapper = full_small
    page = client.get(f"/r/{swapper.manage_token}/").content.decode()
    assert "U houdt uw plaats in “Sterke Raad” tot er hier een plaats vrijkomt" in page
    mail = OutboundEmail.objects.filter(kind="registration_changed", registration=swapper).get()
    body = BUILDERS[mail.kind](mail).body
    assert "u houdt uw plaats in “Sterke Raad” tot er hier een plaats vrijkomt" in body


def test_a_cancelled_workshop_leaves_the_swapper_their_seat(full_small, programme):
    _first, _second, swapper = full_small
    services.cancel_workshop(programme["small"])
    assert held(swapper) == [("sterke-raad", "booked", False)]


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_swaps_and_cancellations_at_once_never_overbook_or_deadlock(make_attendee, programme):
    """20 people hold raad and wait for small; the two in small and others leave at once."""
    raad, small = programme["raad"], programme["small"]
    in_small = [make_attendee(n, small) for n in range(2)]
    swappers = [make_attendee(10 + n, raad) for n in range(20)]
    for person in swappers:
        services.change_workshops(person, [small])
    leaving_raad = swappers[10:]

    def act(i: int):
        if i < 2:
            return services.cancel_registration(in_small[i])
        return services.change_workshops(leaving_raad[i - 2], [])

    results = race(act, 12)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Booking.objects.filter(workshop=small, status="booked").count() == 2
    assert Booking.objects.filter(workshop=raad, status="booked").count() == 8
    for person in swappers[:10]:
        assert len([b for b in held(person) if b[1] == "booked"]) == 1
