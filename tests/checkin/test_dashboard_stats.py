"""What the dashboard snapshot holds, and that it costs a bounded number of queries."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from checkin.live import checkin_message
from checkin.selectors import dashboard_snapshot, stats
from checkin.services import create_device, redeem, undo
from events import services
from events.models import Booking
from networking.models import Offer, Signup
from tests.clock import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_the_day(time_machine):
    """The test scans are dated this morning: on the event's day (checkin.services.redeem.scan_window)."""
    time_machine.move_to(at(12), tick=True)


@pytest.fixture
def populations(municipalities):
    """Test figures (not CBS data): one municipality per size class, Leeuwarden left unknown."""
    sizes = {"GM0307": 19_999, "GM0363": 20_000, "GM0599": 99_999, "GM0518": 100_000}
    for code, population in sizes.items():
        municipalities[code].population = population
        municipalities[code].save(update_fields=["population"])
    return sizes


def earlier(minutes: int):
    """A moment this morning: redeem() never dates a scan later than now, so test scans lie in the past."""
    hour = timezone.localtime(timezone.now() - timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    return hour + timedelta(minutes=minutes)


def person(event, municipalities, n, *, code="GM0307", role="raadslid", workshops=(), organisation=""):
    registration, _token = services.register(
        event=event,
        first_name=f"Persoon{n}",
        last_name=f"Achternaam{n}",
        email=f"persoon{n}@x.example",
        role=role,
        municipality=municipalities[code] if code else None,
        organisation=organisation,
        workshops=list(workshops),
        send_confirmation=False,
    )
    return registration


@pytest.fixture
def offers(event):
    return {
        "netwerk": Offer.objects.create(
            event=event, slug="netwerk-digitale-democratie", title="Netwerk", position=1
        ),
        "scan": Offer.objects.create(
            event=event, slug="quick-scan", title="Quick Scan", places=1, position=2
        ),
    }


def signup(offer, municipality, status, n):
    created = Signup.objects.create(
        offer=offer, municipality=municipality, reference=f"DIA-{n:04d}", status=status
    )
    created.contacts.create(name=f"Contact {n}", email=f"contact{n}@x.example")
    return created


def test_snapshot_counts_people_rooms_breakdowns_offers_and_doors(
    programme, event, municipalities, populations, scanner, offers, staff_user
):
    small = programme["small"]  # two seats
    raad = programme["raad"]
    anna = person(event, municipalities, 1, code="GM0307", role="raadslid", workshops=[small])
    bert = person(event, municipalities, 2, code="GM0363", role="wethouder", workshops=[small])
    person(event, municipalities, 3, code="GM0599", role="raadslid", workshops=[small])  # waitlisted
    dirk = person(event, municipalities, 4, code="GM0518", role="griffier", workshops=[raad])
    eva = person(event, municipalities, 5, code="GM0080", role="burgemeester")
    person(event, municipalities, 6, code=None, role="anders", organisation="VNG")
    device, _token = scanner
    quiet_door, _ = create_device(event=event, name="Zaal B deur")

    redeem(event=event, secret=anna.badge_secret, device=device, scanned_at=earlier(1))
    redeem(event=event, secret=bert.badge_secret, device=device, scanned_at=earlier(4))
    redeem(event=event, secret=dirk.badge_secret, device=device, scanned_at=earlier(7))
    redeem(event=event, secret=eva.badge_secret, user=staff_user, scanned_at=earlier(8))
    redeem(event=event, secret=anna.badge_secret, device=device, workshop=small, scanned_at=earlier(12))
    redeem(event=event, secret="DLD1:ONBEKEND", device=device)  # a failed scan counts as a scan
    signup(offers["scan"], municipalities["GM0307"], Signup.Status.ACCEPTED, 1)
    signup(offers["scan"], municipalities["GM0599"], Signup.Status.WAITLISTED, 2)

    result = stats(event, now=at(11, 30))

    assert (result["registered"], result["checked_in"], result["not_arrived"], result["cancelled"]) == (
        6,
        4,
        2,
        0,
    )
    assert [block["count"] for block in result["arrivals_per_5_minutes"]] == [2, 2]
    assert [block["at"] for block in result["arrivals_per_5_minutes"]] == [
        earlier(0).isoformat(),
        earlier(5).isoformat(),
    ]

    rows = {row["id"]: row for row in result["workshops"]}
    assert {
        key: rows[small.pk][key]
        for key in ("booked", "waitlisted", "checked_in", "absent", "occupancy", "hot")
    } == {
        "booked": 2,
        "waitlisted": 1,
        "checked_in": 1,
        "absent": 1,
        "occupancy": 100,
        "hot": True,
    }
    assert (rows[raad.pk]["booked"], rows[raad.pk]["hot"], rows[raad.pk]["occupancy"]) == (1, False, 2)
    assert programme["opening"].pk not in rows  # plenary sessions have no seats to watch

    rounds = {row["label"]: row for row in result["rounds"]}
    assert (rounds["Ronde 1"]["booked"], rounds["Ronde 1"]["absent"], rounds["Ronde 1"]["no_show_rate"]) == (
        3,
        2,
        67,
    )
    assert (rounds["Ronde 2"]["started"], rounds["Ronde 2"]["no_show_rate"]) == (False, None)

    assert {row["size"]: (row["registered"], row["checked_in"]) for row in result["by_size"]} == {
        "lt5k": (0, 0),
        "5k-10k": (0, 0),
        "10k-20k": (1, 1),
        "20k-50k": (1, 1),
        "50k-100k": (1, 0),
        "100k-150k": (1, 1),
        "150k-250k": (0, 0),
        "250k+": (0, 0),
        "unknown": (1, 1),
        "none": (1, 0),
    }
    assert {row["role"]: (row["registered"], row["checked_in"]) for row in result["by_role"]} == {
        "raadslid": (2, 1),
        "wethouder": (1, 1),
        "griffier": (1, 1),
        "burgemeester": (1, 1),
        "anders": (1, 0),
    }
    assert {row["province"]: row["registered"] for row in result["by_province"]} == {
        "Utrecht": 1,
        "Noord-Holland": 1,
        "Zuid-Holland": 2,
        "Fryslân": 1,
        "": 1,
    }

    by_slug = {offer["slug"]: offer for offer in result["offers"]}
    assert (
        by_slug["quick-scan"]["taken"],
        by_slug["quick-scan"]["waitlisted"],
        by_slug["quick-scan"]["places_left"],
    ) == (1, 1, 0)
    assert {
        key: by_slug["quick-scan"]["last_signup"][key] for key in ("municipality", "province", "status")
    } == {
        "municipality": "Rotterdam",
        "province": "Zuid-Holland",
        "status": "waitlisted",
    }
    assert by_slug["netwerk-digitale-democratie"]["last_signup"] is None

    doors = {row["name"]: row for row in result["devices"]}
    assert (
        doors["Ingang noord"]["scans"],
        doors["Ingang noord"]["checked_in"],
        doors["Ingang noord"]["kind"],
    ) == (5, 4, "device")
    assert doors["Ingang noord"]["last_seen_at"] is not None
    assert (doors["Zaal B deur"]["scans"], doors["Zaal B deur"]["last_seen_at"]) == (0, None)
    assert (
        doors["organisator"]["scans"],
        doors["organisator"]["checked_in"],
        doors["organisator"]["kind"],
    ) == (1, 1, "user")
    assert quiet_door.pk and doors["Zaal B deur"]["source"] == f"device-{quiet_door.pk}"


def test_undo_and_cancelled_bookings_leave_the_counts_right(programme, event, municipalities, scanner):
    raad = programme["raad"]
    anna = person(event, municipalities, 1, workshops=[raad])
    redeem(event=event, secret=anna.badge_secret, device=scanner[0], workshop=raad, scanned_at=earlier(11))
    undo(event=event, secret=anna.badge_secret, device=scanner[0], workshop=raad)

    row = next(row for row in stats(event, now=at(11, 30))["workshops"] if row["id"] == raad.pk)

    assert (row["booked"], row["checked_in"], row["absent"]) == (1, 0, 1)
    assert Booking.objects.filter(workshop=raad).count() == 1


def test_snapshot_costs_the_same_number_of_queries_for_many_rows(
    programme, event, municipalities, scanner, offers, django_assert_max_num_queries
):
    for n in range(30):
        registration = person(event, municipalities, n, code=["GM0307", "GM0363", "GM0080"][n % 3])
        redeem(event=event, secret=registration.badge_secret, device=scanner[0], scanned_at=earlier(n))
    for n in range(5):
        create_device(event=event, name=f"Deur {n}")
    signup(offers["netwerk"], municipalities["GM0307"], Signup.Status.ACCEPTED, 1)

    # 19 grouped queries, whatever the number of people, workshops, devices or offers (3 of them for
    # the map of the network: check-ins, signups, municipalities); one for the outbox, one for
    # disabled webhooks, one for the scheduled mails with their counts, one for the seats held back
    # for invitation codes, three for the 1:1 meetings (per slot, per table, cancelled), two for the
    # advisers' intakes (the advisers, their booked intakes).
    with django_assert_max_num_queries(27):
        snapshot = dashboard_snapshot(event)

    assert (snapshot["stats"]["checked_in"], len(snapshot["recent_scans"])) == (30, 20)


def test_stats_api_declares_the_new_figures(programme, event, scanner_headers, api):
    response = api.get("/api/v1/stats", **scanner_headers)

    assert response.status_code == 200
    body = response.json()
    assert {"rounds", "arrivals_per_5_minutes", "by_size", "devices"} <= body.keys()
    assert [row["size"] for row in body["by_size"]] == [
        "lt5k",
        "5k-10k",
        "10k-20k",
        "20k-50k",
        "50k-100k",
        "100k-150k",
        "150k-250k",
        "250k+",
        "unknown",
        "none",
    ]


def test_dashboard_page_renders_tables_without_javascript(
    programme, event, municipalities, staff_client, scanner
):
    anna = person(event, municipalities, 1, workshops=[programme["small"]])
    redeem(
        event=event, secret=anna.badge_secret, device=scanner[0], scanned_at=earlier(1) + timedelta(seconds=5)
    )

    page = staff_client.get("/dashboard/").content.decode()

    assert 'id="arrivals-chart"' in page and 'role="img"' in page
    assert f'<tr><td>{earlier(0):%H:%M}</td><td class="num">1</td></tr>' in page
    assert f'data-workshop="{programme["small"].pk}"' in page
    assert "Ingang noord" in page
    assert 'id="dashboard-labels"' in page


def test_dashboard_page_is_for_organisers_only(programme, event, scanner_headers):
    anonymous = Client().get("/dashboard/")
    with_token = Client().get("/dashboard/", **scanner_headers)

    assert (anonymous.status_code, with_token.status_code) == (302, 302)
    assert anonymous["Location"].startswith("/admin/login/")


def test_the_checkin_message_costs_one_query(
    programme, event, municipalities, scanner, django_assert_num_queries
):
    """The scan's hot path: the message reuses what redeem() loaded, plus one aggregate."""
    registration = person(event, municipalities, 1)
    scan = redeem(event=event, secret=registration.badge_secret, device=scanner[0])

    with django_assert_num_queries(1):
        message = checkin_message(scan)

    assert (message["checked_in"], message["source"]["checked_in"]) == (1, 1)


def test_the_checkin_message_counts_this_event_this_workshop_and_this_source_only(
    programme, event, municipalities, scanner, staff_user
):
    last_year = type(event).objects.create(
        slug="dld-vorig-jaar",
        name="Vorig jaar",
        date=event.date - timedelta(days=365),
        venue="Elders",
        capacity=10,
        registration_opens_at=timezone.now() - timedelta(days=30),
        registration_closes_at=timezone.now() + timedelta(days=30),
    )
    old_device, _token = create_device(event=last_year, name="Oude scanner")
    earlier = person(last_year, municipalities, 9)
    redeem(event=last_year, secret=earlier.badge_secret, device=old_device)
    redeem(event=last_year, secret=earlier.badge_secret, user=staff_user)
    raad = programme["raad"]
    first, second, third = (person(event, municipalities, n, workshops=[raad]) for n in (1, 2, 3))
    redeem(event=event, secret=first.badge_secret, device=scanner[0])
    redeem(event=event, secret=second.badge_secret, user=staff_user)
    redeem(event=event, secret=first.badge_secret, device=scanner[0], workshop=raad)

    at_door = checkin_message(
        redeem(event=event, secret=second.badge_secret, device=scanner[0], workshop=raad)
    )
    by_organiser = checkin_message(redeem(event=event, secret=third.badge_secret, user=staff_user))

    assert (at_door["checked_in"], at_door["workshop_checked_in"], at_door["source"]["checked_in"]) == (
        2,
        2,
        3,
    )
    assert (by_organiser["checked_in"], by_organiser["workshop_checked_in"]) == (3, None)
    assert (by_organiser["source"]["kind"], by_organiser["source"]["checked_in"]) == ("user", 2)
