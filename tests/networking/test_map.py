"""The map of the Netherlands on the network pages: the shipped boundaries, the SVG the server
draws (a path per municipality, colours from check-ins and signups, escaped names) and the map's
part of the socket's snapshot and `signup` events."""

import csv
import gzip
import re

import pytest

from checkin.services import create_device, redeem
from events.models import Municipality
from events.municipalities import DEFAULT_PATH
from networking import services
from networking.geo import boundaries
from networking.live import signup_message
from networking.selectors import map_entry, network_snapshot
from tests.clock import at

pytestmark = pytest.mark.django_db

PATH = re.compile(
    r'<path d="(?P<d>[^"]+)" data-code="(?P<code>GM\d{4})" data-name="(?P<name>[^"]*)"(?P<rest>[^>]*)>'
)


def paths_of(html: str) -> dict[str, dict]:
    return {match["code"]: match.groupdict() for match in PATH.finditer(html)}


def sign_up(event, offers, municipality, *slugs):
    return services.sign_up(
        event=event,
        municipality=municipality,
        contact_name="Karin Privé",
        contact_email=f"karin@{municipality.code}.example",
        offers=[offers[slug] for slug in slugs],
    )


def check_in(event, registration):
    device, _token = create_device(event=event, name="Ingang noord")
    redeem(event=event, secret=registration.badge_secret, device=device, scanned_at=at(9))


def test_the_boundaries_hold_the_342_municipalities_of_the_shipped_list():
    outlines = boundaries().by_code()
    with DEFAULT_PATH.open(encoding="utf-8", newline="") as file:
        listed = {row["cbs_code"]: row["name"] for row in csv.DictReader(file)}

    assert len(outlines) == 342
    assert {code: outline.name for code, outline in outlines.items()} == listed
    assert all(re.fullmatch(r"(M-?\d+ -?\d+l[-\d ]+z)+", outline.path) for outline in outlines.values())
    # Amsterdam is drawn as two polygons; every outline lies inside the viewBox.
    assert outlines["GM0363"].path.count("M") == 2
    assert boundaries().view_box == "0 0 846 1000"
    assert all(0 <= x <= 846 and 0 <= y <= 1000 for x, y in (o.centre for o in outlines.values()))


def test_north_is_up_and_west_is_left():
    outlines = boundaries().by_code()
    groningen, maastricht = outlines["GM0014"].centre, outlines["GM0935"].centre
    vlissingen, enschede = outlines["GM0718"].centre, outlines["GM0153"].centre

    assert (groningen[1] < maastricht[1], vlissingen[0] < enschede[0]) == (True, True)


def test_wall_draws_every_municipality_and_colours_signups_and_check_ins(
    client, event, offers, municipalities, make_attendee, time_machine
):
    frisian, local = make_attendee(1, municipality=municipalities["GM0080"]), make_attendee(2)
    time_machine.move_to(at(12), tick=True)  # the day itself: badges can be scanned
    sign_up(event, offers, municipalities["GM0599"], "quick-scan")  # Rotterdam: signed up
    check_in(event, frisian)  # Leeuwarden: present
    sign_up(event, offers, municipalities["GM0307"], "netwerk-digitale-democratie")
    check_in(event, local)  # Amersfoort: both

    response = client.get("/netwerk/muur/")

    html = response.content.decode()
    paths = paths_of(html)
    assert (response.status_code, len(paths), len(re.findall(r"<path [^>]*data-code=", html))) == (
        200,
        342,
        342,
    )
    states = {code: re.search(r'class="([^"]*)"', path["rest"]) for code, path in paths.items()}
    assert {code: match[1] for code, match in states.items() if match} == {
        "GM0599": "signed-up",
        "GM0080": "present",
        "GM0307": "both",
    }
    assert 'aria-label="Rotterdam: aangemeld voor Quick Scan Lokale Democratie (toegekend)"' in html
    assert "<title>Leeuwarden: 1 persoon aanwezig</title>" in html
    assert (
        "<title>Amersfoort: 1 persoon aanwezig; aangemeld voor Netwerk Lokale Digitale Democratie (toegekend)</title>"
        in html
    )
    assert "<title>Groningen</title>" in html  # not in the test database: named as in the boundary file
    rows = re.findall(
        r'<tr data-code="(GM\d{4})"><th scope="row">([^<]+)</th><td class="num">(\d+)</td>', html
    )
    assert rows == [
        ("GM0307", "Amersfoort", "1"),
        ("GM0080", "Leeuwarden", "1"),
        ("GM0599", "Rotterdam", "0"),
    ]
    assert 'data-state-count="both">1<' in html
    assert "Gemeentegrenzen 2023: CBS/Kadaster (PDOK), CC BY 4.0" in html


def test_names_are_escaped_in_the_svg_and_the_table(client, event, offers, municipalities):
    odd = Municipality.objects.create(code="GM0088", name='<b>Schier & "oog"</b>', province="Fryslân")
    sign_up(event, offers, odd, "quick-scan")

    html = client.get("/netwerk/kaart/").content.decode()

    escaped = "&lt;b&gt;Schier &amp; &quot;oog&quot;&lt;/b&gt;"
    assert "<b>Schier" not in html
    assert paths_of(html)["GM0088"]["name"] == escaped
    assert f"<title>{escaped}: aangemeld voor Quick Scan Lokale Democratie (toegekend)</title>" in html
    assert f'<th scope="row">{escaped}</th>' in html


def test_map_page_without_figures_says_so(client, event, offers):
    response = client.get("/netwerk/kaart/")

    html = response.content.decode()
    assert (response.status_code, html.count("<path d=")) == (200, 342)
    assert 'class="muted">Nog geen gemeente.</p>' in html
    assert 'tabindex="0" role="img"' not in html


def test_the_map_is_small_enough_for_the_venue_network(client, event, offers):
    html = client.get("/netwerk/kaart/").content

    assert len(gzip.compress(html)) < 40_000


def test_snapshot_and_signup_event_carry_the_municipality_on_the_map(event, offers, municipalities):
    outcome = sign_up(event, offers, municipalities["GM0599"], "quick-scan", "ontwikkeltraject")
    signup = outcome.outcomes[0].signup

    entry = map_entry(event, "GM0599")

    assert entry == {
        "code": "GM0599",
        "name": "Rotterdam",
        "state": "signed-up",
        "present": 0,
        "offers": {"quick-scan": "toegekend", "ontwikkeltraject": "toegekend"},
        "summary": "Rotterdam: aangemeld voor Quick Scan Lokale Democratie (toegekend), Ontwikkeltraject (toegekend)",
    }
    assert network_snapshot(event)["map"] == [entry]
    assert signup_message(signup)["map"] == entry


def test_dashboard_shows_the_map_and_the_stats_api_carries_its_figures(
    staff_client, event, offers, municipalities, scanner_headers, api
):
    sign_up(event, offers, municipalities["GM0363"], "ontwikkeltraject")

    html = staff_client.get("/dashboard/").content.decode()
    body = api.get("/api/v1/stats", **scanner_headers).json()

    assert len(re.findall(r"<path [^>]*data-code=", html)) == 342
    assert 'data-code="GM0363" data-name="Amsterdam" class="signed-up"' in html
    assert body["map"] == [
        {
            "code": "GM0363",
            "name": "Amsterdam",
            "state": "signed-up",
            "present": 0,
            "offers": {"ontwikkeltraject": "toegekend"},
            "summary": "Amsterdam: aangemeld voor Ontwikkeltraject (toegekend)",
        }
    ]


def test_a_withdrawal_takes_the_municipality_off_the_map(event, offers, municipalities):
    outcome = sign_up(event, offers, municipalities["GM0599"], "quick-scan")
    assert [entry["code"] for entry in network_snapshot(event)["map"]] == ["GM0599"]

    services.withdraw(contact=None, signup=outcome.outcomes[0].signup)

    assert network_snapshot(event)["map"] == []
