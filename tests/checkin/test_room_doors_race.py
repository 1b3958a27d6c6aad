"""Stewards at one room's door letting people in anyway, all at once: never more check-ins than the
room holds (the workshop's row lock, PostgreSQL)."""

import pytest

from checkin.models import CheckIn, Scan
from checkin.services import create_device, redeem
from tests.concurrency import race
from tests.support import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

STEWARDS = 20
ROOM_HOLDS = 5


def test_walk_ins_let_in_at_once_never_pass_the_room_capacity(event, programme, make_attendee):
    room = programme["rooms"]["a"]
    room.capacity = ROOM_HOLDS
    room.save()
    raad = programme["raad"]
    seated = make_attendee(0, raad)
    redeem(event=event, secret=seated.badge_secret, workshop=raad)
    walkers = [make_attendee(n, programme["small"]) for n in range(1, STEWARDS + 1)]
    devices = [create_device(event=event, name=f"Steward {n}", room=room)[0] for n in range(STEWARDS)]

    results = race(
        lambda i: (
            redeem(
                event=event, secret=walkers[i].badge_secret, device=devices[i], workshop=raad, admit=True
            ).status
        ),
        STEWARDS,
    )

    assert sorted(results) == ["ok"] * (ROOM_HOLDS - 1) + ["room_full"] * (STEWARDS - ROOM_HOLDS + 1)
    assert CheckIn.objects.filter(workshop=raad).count() == ROOM_HOLDS
    assert CheckIn.objects.filter(workshop=raad, walk_in=True).count() == ROOM_HOLDS - 1
    assert Scan.objects.filter(status="room_full", walk_in=True).count() == STEWARDS - ROOM_HOLDS + 1
