"""The calendar feeds, parsed back with icalendar: fields, stable UIDs, SEQUENCE after a move."""

import re
from datetime import timedelta

import icalendar
import pytest

from events import services
from tests.clock import at


@pytest.fixture
def attendee(make_attendee, programme):
    registration = make_attendee(1, programme["raad"], first_name="Lotte", last_name="Visser")
    return registration, registration.calendar_token


def feed(client, path) -> icalendar.Calendar:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def by_summary(calendar) -> dict:
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_programme_feed_has_every_field_calendars_need(client, programme):
    calendar = feed(client, "/ical/programme.ics")

    assert (str(calendar["method"]), str(calendar["version"])) == ("PUBLISH", "2.0")
    assert str(calendar["prodid"]) == "-//Dag van de Lokale Democratie//Programma//NL"
    assert str(calendar["x-wr-calname"]) == str(calendar["name"]) == "Dag van de Lokale Democratie"
    assert calendar["refresh-interval"].dt == timedelta(hours=1)
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["tzid"]) for tz in timezones] == ["Europe/Amsterdam"]
    assert sorted(by_summary(calendar)) == [
        "Digitale Participatie",
        "Klein Gezelschap",
        "Opening",
        "Sterke Raad",
    ]

    raad = by_summary(calendar)["Sterke Raad"]
    assert str(raad["uid"]) == f"{programme['raad'].uid}@dagvandelokaledemocratie.nl"
    assert raad["dtstart"].dt == at(11) and raad["dtend"].dt == at(12)
    assert raad["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert raad["dtstamp"].dt.utcoffset() == timedelta(0)
    assert raad["last-modified"].dt.utcoffset() == timedelta(0)
    raw = client.get("/ical/programme.ics").content.decode()
    assert re.search(r"^DTSTAMP:\d{8}T\d{6}Z\r$", raw, re.MULTILINE)
    assert re.search(rf"^DTSTART;TZID=Europe/Amsterdam:{at(11):%Y%m%d}T110000\r$", raw, re.MULTILINE)
    assert int(raad["sequence"]) == 0
    assert str(raad["location"]) == "Zaal A, Prodentfabriek, Amersfoort"
    assert str(raad["status"]) == "CONFIRMED"
    assert str(raad["url"]) == "http://127.0.0.1:8000/#sterke-raad"
    assert "description" in raad


def test_personal_feed_holds_the_plenary_and_the_booked_workshops_only(
    client, attendee, programme, make_attendee
):
    registration, token = attendee
    for n in range(2, 4):
        make_attendee(n, programme["digital"])
    programme["digital"].capacity = 2
    programme["digital"].save()
    services.change_workshops(registration, [programme["raad"], programme["digital"]])  # digital: waitlisted

    calendar = feed(client, f"/ical/r/{token}.ics")

    assert sorted(by_summary(calendar)) == ["Opening", "Sterke Raad"]
    assert str(calendar["x-wr-calname"]) == "Dag van de Lokale Democratie – Lotte Visser"


def test_a_move_bumps_sequence_and_keeps_the_uid(client, attendee, programme, event):
    _registration, token = attendee
    before = by_summary(feed(client, f"/ical/r/{token}.ics"))["Sterke Raad"]
    services.update_workshop(programme["raad"], room=programme["rooms"]["hall"], capacity=300)
    services.reschedule_round(programme["rounds"]["first"], starts_at=at(11, 15), ends_at=at(12, 15))

    after = by_summary(feed(client, f"/ical/r/{token}.ics"))["Sterke Raad"]

    assert str(after["uid"]) == str(before["uid"])
    assert (int(before["sequence"]), int(after["sequence"])) == (0, 2)
    assert str(after["location"]).startswith("Grote Zaal")
    assert after["dtstart"].dt == at(11, 15)


def test_a_cancelled_workshop_stays_in_the_feeds_as_cancelled(client, attendee, programme):
    _registration, token = attendee
    services.cancel_workshop(programme["raad"])

    for path in (
        "/ical/programme.ics",
        f"/ical/r/{token}.ics",
        f"/ical/workshop/{programme['raad'].uid}.ics",
    ):
        raad = by_summary(feed(client, path))["Sterke Raad"]
        assert (str(raad["status"]), int(raad["sequence"])) == ("CANCELLED", 1)


def test_workshop_feed_has_one_event(client, programme):
    calendar = feed(client, f"/ical/workshop/{programme['small'].uid}.ics")
    assert list(by_summary(calendar)) == ["Klein Gezelschap"]
    assert client.get("/ical/workshop/00000000-0000-0000-0000-000000000000.ics").status_code == 404


def test_cancelled_registration_has_an_empty_feed(client, attendee):
    registration, token = attendee
    services.cancel_registration(registration)
    assert by_summary(feed(client, f"/ical/r/{token}.ics")) == {}


def test_speakers_are_in_the_description(client, programme, event):
    speaker = programme["raad"].speakers.create(
        event=event, name="Mr. drs. A. de Griffier", organisation="NVvR"
    )
    raad = by_summary(feed(client, "/ical/programme.ics"))["Sterke Raad"]
    assert speaker.name in str(raad["description"])
