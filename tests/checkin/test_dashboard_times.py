"""Times on the dashboard and its figures are the event's wall clock (Europe/Amsterdam), never UTC;
a full workshop says "vol"."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from checkin.services import redeem
from events import times
from events.models import Booking
from tests.clock import at

pytestmark = pytest.mark.django_db


def dashboard_at(moment, user) -> str:
    """The dashboard as an organiser sees it at `moment` (logged in then: sessions expire)."""
    with time_machine.travel(moment, tick=False):
        client = Client()
        client.force_login(user)
        return client.get("/dashboard/").content.decode()


def test_the_no_show_table_gives_each_round_its_amsterdam_start(staff_user, programme):
    # The round starts at 11:00 in Amsterdam (10:00 UTC in winter, 09:00 in summer); the page is
    # looked at early that morning.
    html = dashboard_at(at(8), staff_user)
    row = html[html.index('id="round-rows"') :]
    assert "<td>Ronde 1</td><td>11:00</td>" in row
    assert "<td>Ronde 2</td><td>13:00</td>" in row


def test_clock_reads_datetimes_times_and_iso_strings_on_the_amsterdam_clock():
    start = at(11, 5)
    assert times.clock(start) == "11:05"
    assert times.clock(start.isoformat()) == "11:05"
    utc_text = start.astimezone(times.timezone.get_fixed_timezone(0)).isoformat()
    assert times.clock(utc_text) == "11:05"
    assert times.clock(start + timedelta(seconds=9), seconds=True) == "11:05:09"
    assert times.clock(None) == ""


def test_last_scans_and_arrivals_show_amsterdam_time(staff_user, event, make_attendee):
    person = make_attendee(1)
    with time_machine.travel(at(9, 47), tick=False):
        redeem(event=event, reference=person.reference)
    html = dashboard_at(at(9, 50), staff_user)
    assert "<td>09:47:00</td>" in html  # the last scans
    assert '<tr><td>09:45</td><td class="num">1</td></tr>' in html  # arrivals per 5 minutes


def test_a_full_workshop_is_marked_full_not_almost_full(staff_client, programme, make_attendee):
    small = programme["small"]
    make_attendee(1, small)
    make_attendee(2, small)
    assert Booking.objects.filter(workshop=small, status=Booking.Status.BOOKED).count() == small.capacity
    html = staff_client.get("/dashboard/").content.decode()
    row = html[html.index(f'data-workshop="{small.pk}"') :]
    row = row[: row.index("</tr>")]
    assert '<strong class="flag">vol</strong>' in row


def test_a_scan_in_the_admin_is_named_by_its_amsterdam_time(event, make_attendee):
    person = make_attendee(1)
    with time_machine.travel(at(9, 47) + timedelta(seconds=5), tick=False):
        scan = redeem(event=event, reference=person.reference)
    scan.refresh_from_db()  # as the admin reads it: from the database, in UTC
    assert str(scan).endswith("@ 09:47:05")
