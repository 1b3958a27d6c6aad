"""Scans queued offline arrive late and out of order: counted once, and the CheckIn keeps the
earliest scan time of that person at that place."""

from datetime import timedelta

import pytest
from django.utils import timezone

from checkin.models import CheckIn, Scan
from checkin.services import create_device, redeem
from events import services
from tests.clock import at


@pytest.fixture(autouse=True)
def _on_the_day(time_machine):
    """Queued scans are dated on the event's day (checkin.services.redeem.scan_window)."""
    time_machine.move_to(at(12), tick=True)


@pytest.fixture
def badge(event, programme, municipalities):
    registration, _token = services.register(
        event=event,
        first_name="Sanne",
        last_name="Bakker",
        email="sanne@offline.example",
        role="raadslid",
        municipality=municipalities["GM0307"],
        workshops=[programme["raad"]],
    )
    return registration


@pytest.fixture
def doors(event):
    return create_device(event=event, name="Ingang noord")[0], create_device(event=event, name="Ingang zuid")[
        0
    ]


def test_an_earlier_offline_scan_uploaded_later_moves_the_check_in_back(event, badge, doors):
    north, south = doors
    now = timezone.now()
    made_offline = now - timedelta(minutes=10)
    made_online = now - timedelta(minutes=4)

    online = redeem(
        event=event, secret=badge.badge_secret, device=south, nonce="zuid-000001", scanned_at=made_online
    )
    uploaded = redeem(
        event=event, secret=badge.badge_secret, device=north, nonce="noord-00001", scanned_at=made_offline
    )

    assert (online.status, uploaded.status) == ("ok", "already_checked_in")
    assert uploaded.first_checked_in_at == made_offline
    checkin = CheckIn.objects.get(registration=badge)
    assert (checkin.checked_in_at, checkin.device) == (made_offline, north)
    assert Scan.objects.count() == 2


def test_a_later_offline_scan_leaves_the_check_in_alone(event, badge, doors):
    north, south = doors
    now = timezone.now()
    first = redeem(
        event=event, secret=badge.badge_secret, device=south, scanned_at=now - timedelta(minutes=10)
    )
    later = redeem(
        event=event, secret=badge.badge_secret, device=north, scanned_at=now - timedelta(minutes=2)
    )

    assert (first.status, later.status) == ("ok", "already_checked_in")
    assert later.first_checked_in_at == first.scanned_at
    checkin = CheckIn.objects.get(registration=badge)
    assert (checkin.checked_in_at, checkin.device) == (first.scanned_at, south)


def test_the_earliest_rule_holds_per_place(event, badge, doors, programme):
    north, south = doors
    now = timezone.now()
    redeem(event=event, secret=badge.badge_secret, device=south, scanned_at=now - timedelta(minutes=1))
    room = redeem(
        event=event,
        secret=badge.badge_secret,
        device=south,
        workshop=programme["raad"],
        scanned_at=now - timedelta(minutes=3),
    )
    late_upload = redeem(
        event=event,
        secret=badge.badge_secret,
        device=north,
        workshop=programme["raad"],
        scanned_at=now - timedelta(minutes=20),
    )

    assert (room.status, late_upload.status) == ("ok", "already_checked_in")
    times = dict(CheckIn.objects.filter(registration=badge).values_list("workshop_id", "checked_in_at"))
    assert times == {None: now - timedelta(minutes=1), programme["raad"].pk: now - timedelta(minutes=20)}


def test_a_retried_upload_changes_nothing(event, badge, doors):
    north, south = doors
    now = timezone.now()
    redeem(event=event, secret=badge.badge_secret, device=south, scanned_at=now - timedelta(minutes=4))
    first = redeem(
        event=event,
        secret=badge.badge_secret,
        device=north,
        nonce="noord-00002",
        scanned_at=now - timedelta(minutes=9),
    )
    retried = redeem(
        event=event,
        secret=badge.badge_secret,
        device=north,
        nonce="noord-00002",
        scanned_at=now - timedelta(minutes=9),
    )

    assert retried.pk == first.pk
    assert Scan.objects.count() == 2
    assert CheckIn.objects.get().checked_in_at == now - timedelta(minutes=9)
