"""The organisers' dashboard in Chromium: scans through the API make the figures, the room, the door
and the chart move without a reload; a lost server shows as offline.

A daphne per test, started by the test itself (one test stops it to see the page go offline).
"""

import json
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from events import live, services
from networking.models import Offer
from tests.clock import at
from tests.e2e.browser import log_in, new_context, publish_workshop
from tests.live import daphne
from tests.support import requires_redis


def organiser_page(browser, server: str, user):
    context = new_context(browser, server)
    log_in(context, server, user)
    return context, context.new_page()


def redeem(server: str, token: str, secret: str, workshop: int | None = None) -> dict:
    body = {"secret": f"DLD1:{secret}", **({"workshop": workshop} if workshop else {})}
    request = urllib.request.Request(
        f"{server}/api/v1/checkin/redeem",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def attendees(transactional_db, programme, event, municipalities):
    people = []
    for n, code in enumerate(["GM0307", "GM0599", "GM0080"]):
        registration, _token = services.register(
            event=event,
            first_name="Deelnemer",
            last_name=f"Nummer {n}",
            email=f"d{n}@x.example",
            role="raadslid",
            municipality=municipalities[code],
            workshops=[programme["raad"]],
            send_confirmation=False,
        )
        people.append(registration)
    return people


def test_scans_move_figures_room_door_and_chart_without_reload(
    chromium, programme, attendees, scanner, staff_user
):
    device, token = scanner
    raad = programme["raad"]
    with daphne() as server:
        context, page = organiser_page(chromium, server, staff_user)
        page.goto("/dashboard/")
        expect(page.locator("#live-status")).to_have_attribute("data-state", "online")
        expect(page.locator("#registered")).to_have_text("3")
        expect(page.locator("#checked-in")).to_have_text("0")
        workshop_row = page.locator(f'#workshop-rows tr[data-workshop="{raad.pk}"]')
        door_row = page.locator(f'#device-rows tr[data-source="device-{device.pk}"]')
        chart = page.locator("#arrivals-chart")
        expect(workshop_row.locator('[data-field="checked_in"]')).to_have_text("0")
        expect(door_row.locator('[data-field="scans"]')).to_have_text("0")
        expect(chart).to_have_attribute("aria-label", "Nog geen aankomsten.")
        expect(chart.locator("canvas")).to_have_count(1)  # uPlot drew (an empty) chart
        page.evaluate("window.notReloaded = true")

        assert redeem(server, token, attendees[0].badge_secret)["status"] == "ok"
        assert redeem(server, token, attendees[1].badge_secret)["status"] == "ok"
        assert redeem(server, token, attendees[0].badge_secret, workshop=raad.pk)["status"] == "ok"

        expect(page.locator("#checked-in")).to_have_text("2")
        expect(page.locator("#not-arrived")).to_have_text("1")
        expect(workshop_row.locator('[data-field="checked_in"]')).to_have_text("1")
        expect(door_row.locator('[data-field="scans"]')).to_have_text("3")
        expect(door_row.locator('[data-field="checked_in"]')).to_have_text("3")
        expect(door_row.locator('[data-field="last_seen"]')).to_contain_text("zojuist")
        expect(chart).to_have_attribute("data-total", "2")
        expect(chart).to_have_attribute("aria-label", re.compile(r"^Aankomsten per 5 minuten: 2 in totaal;"))
        expect(page.locator("#arrivals-rows tr td.num")).to_have_text(["2"])
        expect(page.locator("#recent-scans tr").first).to_contain_text("Deelnemer Nummer 0")
        expect(page.locator("#recent-scans tr").first).to_contain_text(raad.title)
        expect(page.locator('#role-rows tr[data-key="raadslid"] [data-field="checked_in"]')).to_have_text("2")
        assert page.evaluate("window.notReloaded") is True

    # The server is gone: the page says so instead of showing stale figures as live.
    expect(page.locator("#live-status")).to_have_attribute("data-state", re.compile("offline|connecting"))
    expect(page.locator("#live-status")).to_have_attribute("data-state", "offline")
    context.close()


@requires_redis
def test_a_signup_updates_the_offer_row(transactional_db, chromium, programme, event, staff_user):
    """Published from this test process; Redis carries it to the daphne process's socket."""
    Offer.objects.create(
        event=event, slug="quick-scan", title="Quick Scan Lokale Democratie", places=50, position=1
    )
    with daphne() as server:
        context, page = organiser_page(chromium, server, staff_user)
        page.goto("/dashboard/")
        expect(page.locator("#live-status")).to_have_attribute("data-state", "online")
        row = page.locator('#offer-rows tr[data-offer="quick-scan"]')
        expect(row.locator('[data-field="last_signup"]')).to_have_text("–")

        # In a thread of its own: async_to_sync refuses to run beside Playwright's event loop.
        message = {
            "type": "signup",
            "offer": {
                "slug": "quick-scan",
                "title": "Quick Scan",
                "places": 50,
                "taken": 1,
                "waitlisted": 0,
                "places_left": 49,
            },
            "signup": {
                "municipality": "Amersfoort",
                "province": "Utrecht",
                "status": "accepted",
                "position": None,
                "created_at": at(10, 15).isoformat(),
            },
        }
        with ThreadPoolExecutor(1) as pool:
            pool.submit(live.publish, live.dashboard(event.pk), message).result()

        expect(row.locator('[data-field="taken"]')).to_have_text("1")
        expect(row.locator('[data-field="places_left"]')).to_have_text("49")
        expect(row.locator('[data-field="last_signup"]')).to_have_text("Amersfoort (10:15)")
        context.close()


def test_after_a_logout_the_dashboard_stops_reconnecting_and_asks_to_log_in(staff_context, event):
    dashboard = staff_context.new_page()
    sockets = []
    dashboard.on("websocket", lambda socket: sockets.append(socket.url))
    dashboard.goto("/dashboard/")
    status = dashboard.locator("#live-status")
    expect(status).to_have_attribute("data-state", "online")

    admin = staff_context.new_page()
    admin.goto("/admin/")
    admin.locator("#logout-form button").click()  # the session ends: its sockets close with 4401

    expect(status).to_have_attribute("data-state", "ended")
    expect(status).to_contain_text("Uw sessie is beëindigd: deze pagina wordt niet meer bijgewerkt.")
    expect(status).to_have_class("live-status notice warning")
    link = status.get_by_role("link", name="Opnieuw inloggen")
    expect(link).to_have_attribute("href", "/admin/login/?next=/dashboard/")
    dashboard.wait_for_timeout(2500)  # longer than the first reconnect could wait
    assert len(sockets) == 1


@requires_redis
def test_an_older_workshop_event_arriving_late_leaves_the_newer_seats(
    transactional_db, chromium, programme, make_attendee, event, staff_user
):
    """Two server processes send their events each in their own time: the dashboard keeps the
    seats of the highest revision it heard, not the last to arrive."""
    small, raad = programme["small"], programme["raad"]
    make_attendee(1, small)

    with daphne() as server:
        context, page = organiser_page(chromium, server, staff_user)
        page.goto("/dashboard/")
        expect(page.locator("#live-status")).to_have_attribute("data-state", "online")
        booked = page.locator(f'#workshop-rows tr[data-workshop="{small.pk}"] [data-field="booked"]')
        marker = page.locator(f'#workshop-rows tr[data-workshop="{raad.pk}"] [data-field="booked"]')
        expect(booked).to_have_text("1")

        # From before the registration, then a marker of raad's current revision: once it shows,
        # the older event has been and gone.
        publish_workshop(small, revision=0, booked=0, free=2)
        publish_workshop(raad, booked=3, free=37)
        expect(marker).to_have_text("3")
        expect(booked).to_have_text("1")

        publish_workshop(small, revision=5, booked=2, free=0)
        expect(booked).to_have_text("2")
        context.close()
