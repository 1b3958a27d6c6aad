"""The calendar files one attendee receives by mail, applied in order as a calendar program applies
imported files: whatever happened, the calendar ends up holding exactly their day."""

from datetime import timedelta

import icalendar
import pytest
from django.core import mail

from events import services
from events.models import Registration, Room, Round, Workshop

# Mails go out when their change commits: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


class CalendarProgram:
    """What Google, Outlook and Apple do with imported files (RFC 5546 2.1.5): an event is known by
    its UID; a file's version replaces the known one only when its SEQUENCE is higher, or equal with
    a later DTSTAMP; STATUS:CANCELLED takes the appointment out."""

    def __init__(self):
        self.known: dict[str, tuple[int, object, icalendar.Event]] = {}

    def apply(self, data: bytes) -> None:
        for vevent in icalendar.Calendar.from_ical(data).walk("VEVENT"):
            uid, sequence, stamp = str(vevent["uid"]), int(vevent.get("sequence", 0)), vevent["dtstamp"].dt
            known = self.known.get(uid)
            if known is None or sequence > known[0] or (sequence == known[0] and stamp > known[1]):
                self.known[uid] = (sequence, stamp, vevent)

    def appointments(self) -> set[tuple[str, str]]:
        return {
            (str(vevent["summary"]), str(vevent["location"]).split(",")[0])
            for _sequence, _stamp, vevent in self.known.values()
            if str(vevent["status"]) != "CANCELLED"
        }


def calendar_attachments(message) -> list[bytes]:
    # Attachments are (name, content, type) tuples; the inline badge image is a MIME part.
    return [item[1] for item in message.attachments if isinstance(item, tuple) and item[2] == "text/calendar"]


def calendar_files(to: str) -> list[bytes]:
    files = [data for message in mail.outbox if message.to == [to] for data in calendar_attachments(message)]
    mail.outbox.clear()
    return files


@pytest.fixture
def calendar():
    return CalendarProgram()


def receive(calendar: CalendarProgram, registration: Registration) -> set[tuple[str, str]]:
    files = calendar_files(registration.email)
    assert files, "no calendar file in the mail"
    for data in files:
        calendar.apply(data)
    return calendar.appointments()


def test_register_change_move_and_cancel_leave_exactly_the_current_day(
    make_attendee, programme, event, calendar
):
    rounds = programme["rounds"]
    person = make_attendee(1, programme["raad"], programme["digital"])
    assert receive(calendar, person) == {
        ("Opening", "Grote Zaal"),
        ("Sterke Raad", "Zaal A"),
        ("Digitale Participatie", "Zaal A"),
    }

    services.change_workshops(person, [programme["small"], programme["digital"]])
    assert receive(calendar, person) == {
        ("Opening", "Grote Zaal"),
        ("Klein Gezelschap", "Zaal B"),
        ("Digitale Participatie", "Zaal A"),
    }

    # Back to the first choice: the workshop cancelled a moment ago is in the calendar again.
    services.change_workshops(person, [programme["raad"], programme["digital"]])
    assert receive(calendar, person) == {
        ("Opening", "Grote Zaal"),
        ("Sterke Raad", "Zaal A"),
        ("Digitale Participatie", "Zaal A"),
    }

    # A room change updates the appointment; a move into a round where they have another workshop
    # releases their place there, and the calendar drops it.
    room_c = Room.objects.create(event=event, name="Zaal C", capacity=60)
    room_d = Room.objects.create(event=event, name="Zaal D", capacity=60)
    services.update_workshop(programme["raad"], room=room_c)
    assert receive(calendar, person) == {
        ("Opening", "Grote Zaal"),
        ("Sterke Raad", "Zaal C"),
        ("Digitale Participatie", "Zaal A"),
    }
    services.update_workshop(programme["digital"], round=rounds["first"], room=room_d)
    person.refresh_from_db()
    assert receive(calendar, person) == {("Opening", "Grote Zaal"), ("Sterke Raad", "Zaal C")}

    services.cancel_registration(person)
    assert receive(calendar, person) == set()


def test_a_waitlist_place_is_no_appointment_until_the_seat_comes(make_attendee, programme, calendar):
    first, second = make_attendee(1, programme["small"]), make_attendee(2, programme["small"])
    waiting = make_attendee(3, programme["small"])
    assert receive(calendar, waiting) == {("Opening", "Grote Zaal")}

    services.cancel_registration(first)
    assert second.bookings.get().status == "booked"
    assert receive(calendar, waiting) == {("Opening", "Grote Zaal"), ("Klein Gezelschap", "Zaal B")}


def test_the_cancellation_mail_tells_no_one_about_seats_they_did_not_have(make_attendee, programme):
    without_seats = make_attendee(1)
    mail.outbox.clear()
    services.cancel_registration(without_seats)
    (message,) = mail.outbox
    assert "wachtlijst" not in message.body
    assert "badge" not in message.body.lower()
    assert "http://127.0.0.1:8000/aanmelden/" in message.body

    with_seats = make_attendee(2, programme["raad"])
    mail.outbox.clear()
    services.cancel_registration(with_seats)
    (message,) = mail.outbox
    assert "Uw plaatsen in de workshops zijn naar anderen op de wachtlijsten gegaan." in message.body


def test_every_mail_answers_to_the_event_contact_and_is_marked_automatic(make_attendee, event):
    event.contact_email = "info@dld.example"
    event.save()
    make_attendee(1)
    (message,) = mail.outbox
    assert (message.reply_to, message.extra_headers["Auto-Submitted"]) == (
        ["info@dld.example"],
        "auto-generated",
    )
    assert "Vragen? Beantwoord deze e-mail of schrijf naar info@dld.example." in message.body


def test_the_mail_lists_the_programme_in_the_order_of_the_clock(make_attendee, programme, event):
    second = programme["rounds"]["second"]
    closing = Round.objects.create(
        event=event,
        label="Afsluiting",
        kind="plenary",
        starts_at=second.ends_at + timedelta(minutes=15),
        ends_at=second.ends_at + timedelta(minutes=60),
    )
    Workshop.objects.create(
        slug="afsluiting", title="Afsluiting", round=closing, room=programme["rooms"]["hall"], capacity=800
    )
    make_attendee(1, programme["raad"], programme["digital"])
    (message,) = mail.outbox
    titles = [
        line.split(" ", 2)[2].split(" (")[0] for line in message.body.splitlines() if line.startswith("- ")
    ]
    assert titles == ["Opening", "Sterke Raad", "Digitale Participatie", "Afsluiting"]


def test_the_confirmation_and_calendar_carry_address_route_doors_and_geo(make_attendee, programme, event):
    event.venue_address = "Soesterweg 300, 3812 BH Amersfoort"
    event.venue_route = "Tien minuten lopen vanaf station Amersfoort Centraal."
    event.venue_latitude, event.venue_longitude = "52.158400", "5.376100"
    event.doors_open_at = "09:00"
    event.save()
    make_attendee(1, programme["raad"])
    (message,) = mail.outbox
    assert "De deuren gaan open om 09:00." in message.body
    assert "Adres: Prodentfabriek, Soesterweg 300, 3812 BH Amersfoort" in message.body
    assert "Bereikbaarheid: Tien minuten lopen vanaf station Amersfoort Centraal." in message.body
    (data,) = calendar_attachments(message)
    raad = next(
        v for v in icalendar.Calendar.from_ical(data).walk("VEVENT") if str(v["summary"]) == "Sterke Raad"
    )
    assert str(raad["location"]) == "Zaal A, Prodentfabriek, Soesterweg 300, 3812 BH Amersfoort"
    assert (raad["geo"].latitude, raad["geo"].longitude) == (52.1584, 5.3761)


def test_speakers_are_named_in_dutch_in_the_calendar(client, programme, event):
    programme["raad"].speakers.create(event=event, name="Ilse Bosman")
    data = client.get("/ical/programme.ics").content
    raad = next(
        v for v in icalendar.Calendar.from_ical(data).walk("VEVENT") if str(v["summary"]) == "Sterke Raad"
    )
    assert str(raad["description"]).endswith("Sprekers: Ilse Bosman")
