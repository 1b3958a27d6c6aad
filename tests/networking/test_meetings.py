"""1:1 meetings at numbered tables: a request in a slot free for both, an answer (accept with the
lowest free table, decline, another time), cancellation with a message, both calendar feeds, the
pages off the private link and the organisers' counts."""

import icalendar
import pytest
from django.test import Client

from events import services as event_services
from events.models import Registration
from networking.demo import DEMO_TABLES, seed_meeting_tables
from networking.errors import MeetingError
from networking.meetings import selectors, services
from networking.meetings.selectors import meeting_counts
from networking.models import Meeting, MeetingSlot, MeetingTable
from tests.clock import at
from tests.factories import attendee
from tests.support import post_json


@pytest.fixture
def slots(event, programme) -> dict[str, MeetingSlot]:
    """Two slots in the lunch break (12:00–13:00), one during the first workshop round."""
    return {
        "lunch": MeetingSlot.objects.create(event=event, starts_at=at(12, 15), ends_at=at(12, 30)),
        "later": MeetingSlot.objects.create(event=event, starts_at=at(12, 30), ends_at=at(12, 45)),
        "round": MeetingSlot.objects.create(event=event, starts_at=at(11, 15), ends_at=at(11, 30)),
    }


@pytest.fixture
def tables(event) -> list[MeetingTable]:
    return [MeetingTable.objects.create(event=event, number=n, area="Netwerkplein") for n in (3, 1)]


@pytest.fixture
def carla(event, municipalities):
    return attendee(event, "Carla Smit", municipality=municipalities["GM0599"])


def ask(requester, invitee, slot, message="") -> Meeting:
    return services.request_meeting(
        requester=requester[0], invitee_id=invitee[0].pk, slot_id=slot.pk, message=message
    )


def refused(change, **values) -> MeetingError:
    with pytest.raises(MeetingError) as caught:
        change(**values)
    return caught.value


@pytest.mark.django_db(transaction=True)  # the outbox sends after commit
def test_request_and_accept_take_the_lowest_free_table_and_mail_each(
    anna, bram, carla, slots, tables, mailoutbox
):
    meeting = ask(anna, bram, slots["lunch"], "Over burgerberaden")
    assert (meeting.state, meeting.table) == ("requested", None)
    assert [(mail.to, mail.subject) for mail in mailoutbox] == [
        ([bram[0].email], "Anna Bakker wil graag met u in gesprek")
    ]

    accepted = services.accept_meeting(registration=bram[0], meeting_id=meeting.pk)
    second = services.accept_meeting(registration=carla[0], meeting_id=ask(bram, carla, slots["later"]).pk)

    assert (accepted.state, accepted.table.number) == ("accepted", 1)
    assert second.table.number == 1  # another slot: its own tables
    assert mailoutbox[1].to == [anna[0].email]
    assert mailoutbox[1].subject == "Bram de Wit heeft uw gesprek geaccepteerd"
    assert "Tafel 1 (Netwerkplein)" in mailoutbox[1].body
    # Asking twice is the one request.
    assert ask(carla, anna, slots["round"]).pk == ask(carla, anna, slots["round"]).pk


def test_free_slots_leave_out_booked_rounds_plenaries_and_agreed_meetings(
    event, programme, anna, bram, carla, slots, tables
):
    assert selectors.free_slots(anna[0], bram[0]) == [slots["round"], slots["lunch"], slots["later"]]
    booked, _token = event_services.register(
        event=event,
        first_name="Dirk",
        last_name="Jansen",
        email="dirk@example.org",
        role="raadslid",
        organisation="Kennisinstituut",
        workshops=[programme["raad"]],
        directory_opt_in=True,
        send_confirmation=False,
    )
    services.accept_meeting(registration=bram[0], meeting_id=ask(anna, bram, slots["lunch"]).pk)

    assert selectors.free_slots(anna[0], carla[0]) == [slots["round"], slots["later"]]
    assert selectors.free_slots(booked, carla[0]) == [slots["lunch"], slots["later"]]
    opening = MeetingSlot.objects.create(event=event, starts_at=at(10, 15), ends_at=at(10, 30))
    assert opening not in selectors.free_slots(booked, carla[0])


def test_bad_requests_are_refused_with_their_codes(event, anna, bram, carla, slots, tables, municipalities):
    outsider = attendee(event, "Olga Buiten", municipality=municipalities["GM0080"], opt_in=False)
    ask(anna, bram, slots["lunch"])
    services.accept_meeting(registration=bram[0], meeting_id=Meeting.objects.get().pk)
    other_event = MeetingSlot.objects.create(
        event=event.__class__.objects.create(
            slug="ander", name="Ander", date=event.date, venue="Elders", capacity=10
        ),
        starts_at=at(12, 15),
        ends_at=at(12, 30),
    )
    past = MeetingSlot.objects.create(event=event, starts_at=at(9, days=-60), ends_at=at(9, 15, days=-60))

    cases = {
        "not_in_directory": dict(requester=outsider, invitee=anna, slot=slots["later"]),
        "unknown_person": dict(requester=anna, invitee=outsider, slot=slots["later"]),
        "own_meeting": dict(requester=anna, invitee=anna, slot=slots["later"]),
        "busy": dict(requester=anna, invitee=carla, slot=slots["lunch"]),
        "other_busy": dict(requester=carla, invitee=bram, slot=slots["lunch"]),
        "unknown_slot": dict(requester=anna, invitee=carla, slot=other_event),
        "slot_past": dict(requester=anna, invitee=carla, slot=past),
    }
    answers = {code: refused(ask, **values) for code, values in cases.items()}

    assert {code: (error.code, error.status) for code, error in answers.items()} == {
        "not_in_directory": ("not_in_directory", 403),
        "unknown_person": ("unknown_person", 404),
        "own_meeting": ("own_meeting", 422),
        "busy": ("busy", 409),
        "other_busy": ("other_busy", 409),
        "unknown_slot": ("unknown_slot", 404),
        "slot_past": ("slot_past", 409),
    }
    assert answers["other_busy"].message == "Bram de Wit kan op dit moment niet."
    # Only the invitee answers; only the two of them see the meeting.
    meeting = ask(carla, anna, slots["later"])
    for change in (services.accept_meeting, services.decline_meeting):
        assert refused(change, registration=carla[0], meeting_id=meeting.pk).code == "unknown_meeting"
    assert refused(services.cancel_meeting, registration=bram[0], meeting_id=meeting.pk).status == 404


def test_no_table_left_offers_the_other_slots_free_for_both(event, anna, bram, carla, slots, tables):
    dirk = attendee(event, "Dirk Jansen")
    eva = attendee(event, "Eva Mol")
    for requester, invitee in ((anna, bram), (carla, dirk)):
        services.accept_meeting(
            registration=invitee[0], meeting_id=ask(requester, invitee, slots["lunch"]).pk
        )
    frank = attendee(event, "Frank Bos")
    services.accept_meeting(registration=anna[0], meeting_id=ask(eva, anna, slots["later"]).pk)
    last = ask(eva, frank, slots["lunch"])

    error = refused(services.accept_meeting, registration=frank[0], meeting_id=last.pk)

    assert (error.code, error.status) == ("no_table", 409)
    assert error.alternatives == [slots["round"]]  # "later": Eva meets Anna then
    assert Meeting.objects.get(pk=last.pk).state == "requested"


@pytest.mark.django_db(transaction=True)  # the outbox sends after commit
def test_decline_and_propose_another_time(anna, bram, slots, tables, mailoutbox):
    declined = services.decline_meeting(registration=bram[0], meeting_id=ask(anna, bram, slots["lunch"]).pk)
    first = ask(anna, bram, slots["lunch"])
    proposal = services.propose_other_slot(
        registration=bram[0], meeting_id=first.pk, slot_id=slots["later"].pk, message="Na de lunch?"
    )

    assert declined.state == "declined"
    assert Meeting.objects.get(pk=first.pk).state == "proposed"
    # The proposal is a request the other way round, answered by the one who first asked.
    assert (proposal.requester, proposal.invitee, proposal.slot, proposal.state) == (
        bram[0],
        anna[0],
        slots["later"],
        "requested",
    )
    assert proposal.proposed_instead_of == first
    assert [(mail.to[0], mail.subject) for mail in mailoutbox[1:]] == [
        (anna[0].email, "Bram de Wit kan niet met u in gesprek"),
        (bram[0].email, "Anna Bakker wil graag met u in gesprek"),
        (anna[0].email, "Bram de Wit stelt een ander moment voor"),
    ]
    same = refused(
        services.propose_other_slot, registration=anna[0], meeting_id=proposal.pk, slot_id=slots["later"].pk
    )
    assert same.code == "same_slot"
    assert services.accept_meeting(registration=anna[0], meeting_id=proposal.pk).table.number == 1


@pytest.mark.django_db(transaction=True)  # the outbox sends after commit
def test_cancel_frees_the_table_and_tells_both(anna, bram, carla, slots, tables, mailoutbox):
    meeting = services.accept_meeting(registration=bram[0], meeting_id=ask(anna, bram, slots["lunch"]).pk)
    mailoutbox.clear()

    cancelled = services.cancel_meeting(
        registration=bram[0], meeting_id=meeting.pk, message="Trein vertraagd"
    )
    again = services.accept_meeting(registration=carla[0], meeting_id=ask(anna, carla, slots["lunch"]).pk)

    assert (cancelled.state, cancelled.sequence, cancelled.cancel_message) == (
        "cancelled",
        1,
        "Trein vertraagd",
    )
    assert again.table.number == 1
    assert sorted(mail.to[0] for mail in mailoutbox[:2]) == sorted([anna[0].email, bram[0].email])
    assert all("Trein vertraagd" in mail.body for mail in mailoutbox[:2])
    assert (
        refused(services.cancel_meeting, registration=anna[0], meeting_id=meeting.pk).code
        == "unknown_meeting"
    )


def feed(person) -> list:
    registration = person[0]
    response = Client().get(f"/ical/r/{registration.calendar_token}.ics")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return [
        (str(vevent["uid"]), str(vevent["summary"]), int(vevent["sequence"]), str(vevent["status"]))
        for vevent in calendar.walk("VEVENT")
        if str(vevent["summary"]).startswith("Gesprek")
    ]


def test_both_calendar_feeds_have_the_meeting_and_then_its_cancellation(anna, bram, slots, tables):
    meeting = ask(anna, bram, slots["lunch"])
    assert feed(anna) == []  # a request is not an appointment yet
    services.accept_meeting(registration=bram[0], meeting_id=meeting.pk)
    uid = f"{meeting.uid}@dagvandelokaledemocratie.nl"

    assert feed(anna) == [(uid, "Gesprek met Bram de Wit", 0, "CONFIRMED")]
    assert feed(bram) == [(uid, "Gesprek met Anna Bakker", 0, "CONFIRMED")]
    vevent = icalendar.Calendar.from_ical(Client().get(f"/ical/r/{anna[0].calendar_token}.ics").content).walk(
        "VEVENT"
    )[-1]
    assert vevent["dtstart"].dt == slots["lunch"].starts_at
    assert str(vevent["location"]).startswith("Tafel 1 (Netwerkplein), ")

    services.cancel_meeting(registration=anna[0], meeting_id=meeting.pk)

    assert feed(anna) == [(uid, "Gesprek met Bram de Wit", 1, "CANCELLED")]
    assert feed(bram) == [(uid, "Gesprek met Anna Bakker", 1, "CANCELLED")]


def test_pages_ask_accept_and_cancel_through_the_private_links(anna, bram, carla, slots, tables):
    browser = Client()
    directory = browser.get(f"/r/{anna[1]}/deelnemers/").content.decode()
    ask_path = f"/r/{anna[1]}/gesprekken/aanvragen/{bram[0].pk}/"
    assert ask_path in directory
    assert "Gesprek aanvragen" in directory
    form = browser.get(ask_path).content.decode()
    assert "11:15–11:30" in form and "12:15–12:30" in form

    response = browser.post(ask_path, {"slot": slots["lunch"].pk, "message": "Even sparren"})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    page = browser.get(f"/r/{bram[1]}/gesprekken/").content.decode()
    assert "Anna Bakker" in page and "Even sparren" in page and "12:15–12:30" in page

    # Another attendee's link cannot answer it.
    assert browser.post(f"/r/{carla[1]}/gesprekken/{meeting.pk}/accepteren/").status_code == 404
    assert browser.post(f"/r/{bram[1]}/gesprekken/{meeting.pk}/accepteren/").status_code == 302
    page = browser.get(f"/r/{anna[1]}/gesprekken/").content.decode()
    assert "Tafel 1 (Netwerkplein)" in page
    assert "meeting-reminders" in page

    response = browser.post(f"/r/{anna[1]}/gesprekken/{meeting.pk}/annuleren/", {"message": "Sorry"})
    assert response["Location"] == f"/r/{anna[1]}/gesprekken/?klaar=geannuleerd"
    assert Meeting.objects.get().cancel_message == "Sorry"
    assert browser.get(f"/r/{anna[1]}/gesprekken/aanvragen/{anna[0].pk}/").status_code == 404
    assert (
        browser.post(f"/r/{anna[1]}/gesprekken/{meeting.pk}/ander-moment/", {"slot": "x"}).status_code == 422
    )


def test_a_full_slot_on_the_page_names_the_other_times(event, anna, bram, carla, slots, tables):
    dirk = attendee(event, "Dirk Jansen")
    for requester, invitee in ((anna, bram), (carla, dirk)):
        services.accept_meeting(
            registration=invitee[0], meeting_id=ask(requester, invitee, slots["lunch"]).pk
        )
    eva, frank = attendee(event, "Eva Mol"), attendee(event, "Frank Bos")
    meeting = ask(eva, frank, slots["lunch"])

    response = Client().post(f"/r/{frank[1]}/gesprekken/{meeting.pk}/accepteren/")

    assert response.status_code == 409
    assert "Alle tafels zijn bezet" in response.content.decode()
    assert "12:30–12:45" in response.content.decode()


def test_organisers_count_meetings_per_slot_and_table(event, anna, bram, carla, slots, tables, staff_client):
    services.accept_meeting(registration=bram[0], meeting_id=ask(anna, bram, slots["lunch"]).pk)
    services.accept_meeting(registration=carla[0], meeting_id=ask(anna, carla, slots["later"]).pk)
    ask(carla, bram, slots["round"])
    dirk = attendee(event, "Dirk Jansen")
    dropped = services.accept_meeting(registration=dirk[0], meeting_id=ask(bram, dirk, slots["later"]).pk)
    services.cancel_meeting(registration=bram[0], meeting_id=dropped.pk)

    counts = meeting_counts(event)

    assert (counts["accepted"], counts["cancelled"], counts["tables"]) == (2, 1, 2)
    assert [(slot["accepted"], slot["requested"], slot["tables_left"]) for slot in counts["slots"]] == [
        (0, 1, 2),
        (1, 0, 1),
        (1, 0, 1),
    ]
    assert [(table["number"], table["accepted"]) for table in counts["per_table"]] == [(1, 2), (3, 0)]
    stats = staff_client.get("/api/v1/stats").json()
    assert stats["meetings"]["accepted"] == 2
    assert "Tafels over" in staff_client.get("/dashboard/").content.decode()


def test_demo_tables_and_slots_in_every_break(event, programme):
    seed_meeting_tables(event)
    seed_meeting_tables(event)

    assert MeetingTable.objects.filter(event=event).count() == DEMO_TABLES
    times = [(slot.starts_at, slot.ends_at) for slot in MeetingSlot.objects.filter(event=event)]
    # Breaks: 10:45–11:00 and 12:00–13:00.
    assert times == [
        (at(10, 45), at(11)),
        (at(12), at(12, 15)),
        (at(12, 15), at(12, 30)),
        (at(12, 30), at(12, 45)),
        (at(12, 45), at(13)),
    ]


def test_the_api_asks_answers_and_cancels(event, anna, bram, carla, slots, tables):
    api = Client()
    entries = api.get(f"/api/v1/registrations/{anna[1]}/directory").json()["attendees"]
    bram_id = next(entry["id"] for entry in entries if entry["name"] == "Bram de Wit")
    free = api.get(f"/api/v1/registrations/{anna[1]}/meetings", {"with_person": bram_id}).json()["free_slots"]
    assert [slot["id"] for slot in free] == [slots["round"].pk, slots["lunch"].pk, slots["later"].pk]

    created = post_json(
        api, f"/api/v1/registrations/{anna[1]}/meetings", {"invitee": bram_id, "slot": free[1]["id"]}
    )
    assert (created.status_code, created.json()["state"]) == (201, "requested")
    meeting_id = created.json()["id"]
    base = f"/api/v1/registrations/{bram[1]}/meetings/{meeting_id}"
    assert (
        post_json(api, f"/api/v1/registrations/{carla[1]}/meetings/{meeting_id}/accept", {}).status_code
        == 404
    )
    accepted = post_json(api, f"{base}/accept", {})
    assert (accepted.status_code, accepted.json()["table"], accepted.json()["area"]) == (
        200,
        1,
        "Netwerkplein",
    )
    mine = api.get(f"/api/v1/registrations/{anna[1]}/meetings").json()
    assert [meeting["id"] for meeting in mine["accepted"]] == [meeting_id]

    busy = post_json(
        api, f"/api/v1/registrations/{carla[1]}/meetings", {"invitee": bram_id, "slot": slots["lunch"].pk}
    )
    assert (busy.status_code, busy.json()["code"]) == (409, "other_busy")
    cancelled = post_json(api, f"{base}/cancel", {"message": "Sorry"})
    assert (cancelled.status_code, cancelled.json()["state"], cancelled.json()["cancel_message"]) == (
        200,
        "cancelled",
        "Sorry",
    )


def test_the_api_offers_other_slots_when_no_table_is_left(event, anna, bram, carla, slots, tables):
    dirk, eva, frank = (attendee(event, name) for name in ("Dirk Jansen", "Eva Mol", "Frank Bos"))
    for requester, invitee in ((anna, bram), (carla, dirk)):
        services.accept_meeting(
            registration=invitee[0], meeting_id=ask(requester, invitee, slots["lunch"]).pk
        )
    meeting = ask(eva, frank, slots["lunch"])

    answer = post_json(Client(), f"/api/v1/registrations/{frank[1]}/meetings/{meeting.pk}/accept", {})

    assert (answer.status_code, answer.json()["code"]) == (409, "no_table")
    assert [slot["id"] for slot in answer.json()["alternatives"]] == [slots["round"].pk, slots["later"].pk]
    proposal = post_json(
        Client(),
        f"/api/v1/registrations/{frank[1]}/meetings/{meeting.pk}/propose",
        {"slot": slots["later"].pk},
    )
    assert (proposal.status_code, proposal.json()["requester"]["name"]) == (201, "Frank Bos")


def test_the_export_lists_meetings_and_the_erasure_removes_them(anna, bram, slots, tables):
    meeting = services.accept_meeting(
        registration=bram[0], meeting_id=ask(anna, bram, slots["lunch"], "Over de raadsbrief").pk
    )

    export = Client().get(f"/r/{anna[1]}/gegevens.json")
    erased = event_services.erase_registration(Registration.objects.get(pk=anna[0].pk))

    assert export.json()["meetings"] == [
        {
            "with": "Bram de Wit",
            "asked_by_you": True,
            "state": "accepted",
            "starts_at": slots["lunch"].starts_at.isoformat(),
            "table": 1,
            "message": "Over de raadsbrief",
            "cancel_message": "",
        }
    ]
    assert erased["meetings"] == 1
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert feed(bram) == []
