"""Advisers as bookable people: organisers mark a directory person as adviser; a municipality with a
Quick Scan or development track books an intake in a free slot of theirs (from the signup's private
page or an attendee's meetings page); one municipality per adviser and slot; both calendars, both
pages and the organisers' overview per adviser."""

import json
from datetime import datetime

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from events import services as event_services
from events.models import OutboundEmail
from events.services import ERASED_NAME
from networking import privacy
from networking import services as signup_services
from networking.errors import MeetingError
from networking.meetings import selectors, services
from networking.meetings.selectors import meeting_counts
from networking.models import DirectoryProfile, Intake, MeetingSlot, MeetingTable
from tests.clock import at
from tests.factories import attendee


@pytest.fixture
def slots(event, programme) -> dict[str, MeetingSlot]:
    """Two slots in the lunch break (12:00–13:00)."""
    return {
        "lunch": MeetingSlot.objects.create(event=event, starts_at=at(12, 15), ends_at=at(12, 30)),
        "later": MeetingSlot.objects.create(event=event, starts_at=at(12, 30), ends_at=at(12, 45)),
    }


def make_adviser(event, name="Ria Vermeer"):
    person = attendee(event, name)
    DirectoryProfile.objects.filter(registration=person[0]).update(adviser=True)
    return person


@pytest.fixture
def ria(event):
    return make_adviser(event)


def signed_up(event, offers, municipality, slug: str, email: str):
    """The municipality's signup contact (admitted) and their private link's token."""
    result = signup_services.sign_up(
        event=event,
        municipality=municipality,
        contact_name=f"Griffie {municipality.name}",
        contact_email=email,
        offers=[offers[slug]],
    )
    return result.manage_token


@pytest.fixture
def amersfoort(event, offers, municipalities):
    return signed_up(event, offers, municipalities["GM0307"], "quick-scan", "griffie@amersfoort.example")


@pytest.fixture
def amsterdam(event, offers, municipalities):
    return signed_up(event, offers, municipalities["GM0363"], "ontwikkeltraject", "griffie@amsterdam.example")


def book_on_signup_page(token, adviser, slot):
    return Client().post(f"/netwerk/aanmelding/{token}/intake/", {"adviser": adviser[0].pk, "slot": slot.pk})


def feed(person) -> list:
    response = Client().get(f"/ical/r/{person[0].calendar_token}.ics")
    assert response.status_code == 200
    return [
        (str(vevent["summary"]), int(vevent["sequence"]), str(vevent["status"]), vevent["dtstart"].dt)
        for vevent in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        if str(vevent["summary"]).startswith("Intake")
    ]


def test_a_signup_contact_books_an_intake_on_the_private_page_it_is_on_both_pages_and_the_advisers_calendar(
    event, ria, amersfoort, slots
):
    page = Client().get(f"/netwerk/aanmelding/{amersfoort}/").content.decode()
    assert "Intake met Ria Vermeer" in page
    assert f'<option value="{slots["lunch"].pk}">' in page

    response = book_on_signup_page(amersfoort, ria, slots["lunch"])

    assert response.status_code == 302
    assert response["Location"] == f"/netwerk/aanmelding/{amersfoort}/?klaar=intake#intake"
    intake = Intake.objects.get()
    assert (intake.adviser, intake.municipality.code, intake.booker_name, intake.state) == (
        ria[0],
        "GM0307",
        "Griffie Amersfoort",
        "booked",
    )
    page = Client().get(f"/netwerk/aanmelding/{amersfoort}/?klaar=intake").content.decode()
    assert "Intake geboekt." in page
    assert "geboekt door Griffie Amersfoort" in page
    adviser_page = Client().get(f"/r/{ria[1]}/gesprekken/").content.decode()
    assert "Uw intakes als adviseur" in adviser_page
    assert "Amersfoort · Griffie Amersfoort" in adviser_page
    assert feed(ria) == [
        ("Intake met Amersfoort (Griffie Amersfoort)", 0, "CONFIRMED", slots["lunch"].starts_at)
    ]
    # The adviser's lunch slot is taken: for meetings as well.
    assert selectors.free_intake_slots(ria[0]) == [slots["later"]]


def test_an_attendee_of_a_municipality_with_a_track_books_on_their_meetings_page_and_has_it_in_their_calendar(
    event, municipalities, ria, amsterdam, slots
):
    bram = attendee(event, "Bram de Wit", municipality=municipalities["GM0363"], role="wethouder")
    assert "Intake met Ria Vermeer" in Client().get(f"/r/{bram[1]}/gesprekken/").content.decode()

    response = Client().post(
        f"/r/{bram[1]}/gesprekken/intake/", {"adviser": ria[0].pk, "slot": slots["later"].pk}
    )

    assert response.status_code == 302
    assert (Intake.objects.get().booked_by, Intake.objects.get().booker_name) == (bram[0], "Bram de Wit")
    assert feed(bram) == [("Intake met adviseur Ria Vermeer", 0, "CONFIRMED", slots["later"].starts_at)]
    assert feed(ria) == [("Intake met Amsterdam (Bram de Wit)", 0, "CONFIRMED", slots["later"].starts_at)]
    # Bram is taken then: no meeting with someone else in that slot.
    MeetingTable.objects.create(event=event, number=1)
    carla = attendee(event, "Carla Smit")
    assert selectors.free_slots(bram[0], carla[0]) == [slots["lunch"]]
    # The second adviser is still offered; Ria no longer (one intake per municipality and adviser).
    page = Client().get(f"/r/{bram[1]}/gesprekken/").content.decode()
    assert f'data-adviser="{ria[0].pk}"' not in page


def test_a_municipality_without_a_quick_scan_or_track_is_refused_with_nothing_stored(
    event, offers, municipalities, ria, slots
):
    token = signed_up(
        event, offers, municipalities["GM0599"], "raadsondersteuning", "griffie@rotterdam.example"
    )
    page = Client().get(f"/netwerk/aanmelding/{token}/").content.decode()
    assert "Gemeenten met een plaats in de Quick Scan of een ontwikkeltraject" in page
    assert "Intake met Ria Vermeer" not in page

    response = book_on_signup_page(token, ria, slots["lunch"])
    carla = attendee(event, "Carla Smit", municipality=municipalities["GM0599"])
    with pytest.raises(MeetingError) as caught:
        services.book_intake(
            municipality=carla[0].municipality,
            registration=carla[0],
            adviser_id=ria[0].pk,
            slot_id=slots["lunch"].pk,
        )
    no_municipality = attendee(event, "Dirk Jansen")
    page_response = Client().post(
        f"/r/{no_municipality[1]}/gesprekken/intake/", {"adviser": ria[0].pk, "slot": slots["lunch"].pk}
    )

    assert response.status_code == 403
    assert "Intakes met een adviseur zijn voor gemeenten met een Quick Scan of ontwikkeltraject." in (
        response.content.decode()
    )
    assert (caught.value.code, caught.value.status) == ("not_eligible", 403)
    assert page_response.status_code == 403
    assert Intake.objects.count() == 0


def test_bad_input_is_a_clear_4xx_and_stores_nothing(event, ria, amersfoort, slots, programme):
    bram = attendee(event, "Bram de Wit")  # listed, not an adviser
    past = MeetingSlot.objects.create(
        event=event, starts_at=at(12, 15, days=-50), ends_at=at(12, 30, days=-50)
    )
    client = Client()
    url = f"/netwerk/aanmelding/{amersfoort}/intake/"

    assert client.post(url, {"adviser": ria[0].pk}).status_code == 422
    assert client.post(url, {"adviser": "x", "slot": slots["lunch"].pk}).status_code == 422
    assert client.post(url, {"adviser": bram[0].pk, "slot": slots["lunch"].pk}).status_code == 404
    assert client.post(url, {"adviser": ria[0].pk, "slot": 2**31 - 1}).status_code == 404
    assert client.post(url, {"adviser": ria[0].pk, "slot": past.pk}).status_code == 409  # begun
    assert (
        client.post("/netwerk/aanmelding/onbekend/intake/", {"adviser": ria[0].pk, "slot": 1}).status_code
        == 404
    )
    assert client.get(url).status_code == 405
    assert Intake.objects.count() == 0
    # The adviser cannot book themselves (they have no municipality, so: not eligible).
    assert (
        client.post(
            f"/r/{ria[1]}/gesprekken/intake/", {"adviser": ria[0].pk, "slot": slots["lunch"].pk}
        ).status_code
        == 403
    )


def test_a_taken_slot_is_refused_with_the_advisers_other_free_times(event, ria, amersfoort, amsterdam, slots):
    assert book_on_signup_page(amersfoort, ria, slots["lunch"]).status_code == 302

    response = book_on_signup_page(amsterdam, ria, slots["lunch"])

    assert response.status_code == 422
    page = response.content.decode()
    assert "Ria Vermeer is op dit moment niet meer vrij. Kies een ander moment." in page
    assert "Andere momenten waarop deze adviseur nog vrij is: 12:30–12:45" in page
    assert list(Intake.objects.values_list("municipality__code", flat=True)) == ["GM0307"]
    # A second intake of the same municipality with the same adviser: refused as well.
    again = book_on_signup_page(amersfoort, ria, slots["later"])
    assert again.status_code == 422
    assert "Amersfoort heeft al een intake met Ria Vermeer." in again.content.decode()


def test_an_agreed_meeting_of_the_adviser_takes_the_slot(event, ria, amersfoort, slots):
    MeetingTable.objects.create(event=event, number=1)
    bram = attendee(event, "Bram de Wit")
    meeting = services.request_meeting(requester=bram[0], invitee_id=ria[0].pk, slot_id=slots["lunch"].pk)
    services.accept_meeting(registration=ria[0], meeting_id=meeting.pk)

    assert book_on_signup_page(amersfoort, ria, slots["lunch"]).status_code == 422
    assert selectors.free_intake_slots(ria[0]) == [slots["later"]]


def test_cancelling_frees_the_slot_and_the_calendars_get_the_cancellation(
    event, ria, amersfoort, amsterdam, slots
):
    book_on_signup_page(amersfoort, ria, slots["lunch"])
    intake = Intake.objects.get()
    client = Client()

    # Another municipality's link cannot cancel it; the adviser can, and so can Amersfoort.
    assert client.post(f"/netwerk/aanmelding/{amsterdam}/intake/{intake.pk}/annuleren/").status_code == 404
    response = client.post(f"/netwerk/aanmelding/{amersfoort}/intake/{intake.pk}/annuleren/")

    assert response.status_code == 302
    intake.refresh_from_db()
    assert (intake.state, intake.sequence) == ("cancelled", 1)
    assert feed(ria) == [
        ("Intake met Amersfoort (Griffie Amersfoort)", 1, "CANCELLED", slots["lunch"].starts_at)
    ]
    assert selectors.free_intake_slots(ria[0]) == [slots["lunch"], slots["later"]]
    assert book_on_signup_page(amsterdam, ria, slots["lunch"]).status_code == 302
    second = Intake.objects.get(state="booked")
    assert client.post(f"/r/{ria[1]}/gesprekken/intake/{second.pk}/annuleren/").status_code == 302
    assert client.post(f"/r/{ria[1]}/gesprekken/intake/{second.pk}/annuleren/").status_code == 404
    assert Intake.objects.filter(state="booked").count() == 0


def test_organisers_see_the_intakes_per_adviser(event, ria, amersfoort, amsterdam, slots, staff_client):
    make_adviser(event, "Sem Bos")
    book_on_signup_page(amersfoort, ria, slots["later"])
    book_on_signup_page(amsterdam, ria, slots["lunch"])

    counts = meeting_counts(event)["intakes"]

    assert [
        (row["adviser"], row["booked"], [i["municipality"] for i in row["intakes"]]) for row in counts
    ] == [
        ("Sem Bos", 0, []),
        ("Ria Vermeer", 2, ["Amsterdam", "Amersfoort"]),
    ]
    assert staff_client.get("/api/v1/stats").json()["meetings"]["intakes"][1]["booked"] == 2
    dashboard = staff_client.get("/dashboard/").content.decode()
    assert "Intakes met de adviseurs" in dashboard
    assert "12:15 Amsterdam; 12:30 Amersfoort" in dashboard


def test_the_export_lists_intakes_and_the_erasure_removes_them_and_the_bookers_name(
    event, municipalities, ria, amersfoort, amsterdam, slots
):
    bram = attendee(event, "Bram de Wit", municipality=municipalities["GM0363"])
    Client().post(f"/r/{bram[1]}/gesprekken/intake/", {"adviser": ria[0].pk, "slot": slots["lunch"].pk})
    book_on_signup_page(amersfoort, ria, slots["later"])

    export = Client().get(f"/r/{bram[1]}/gegevens.json").json()
    assert [(row["adviser"], row["booked_by"], row["you_are_the_adviser"]) for row in export["intakes"]] == [
        ("Ria Vermeer", "Bram de Wit", False)
    ]
    removed = event_services.erase_registration(bram[0])
    assert removed["intakes"] == 1
    assert list(Intake.objects.values_list("municipality_id", "booker_name")) == [
        ("GM0307", "Griffie Amersfoort")
    ]
    # The retention purge removes the signup contacts: the intake stays, without their name.
    privacy.purge(sender=None, event=event)
    assert list(Intake.objects.values_list("municipality_id", "booker_name", "booked_by_contact")) == [
        ("GM0307", ERASED_NAME, None)
    ]


def test_the_meetings_page_reminds_both_sides_of_the_intake(event, municipalities, ria, amsterdam, slots):
    bram = attendee(event, "Bram de Wit", municipality=municipalities["GM0363"])
    Client().post(f"/r/{bram[1]}/gesprekken/intake/", {"adviser": ria[0].pk, "slot": slots["lunch"].pk})

    for person, text in (
        (bram, "Over een paar minuten: uw intake met Ria Vermeer, om 12:15."),
        (ria, "Over een paar minuten: uw intake met Amsterdam, om 12:15."),
    ):
        page = Client().get(f"/r/{person[1]}/gesprekken/").content.decode()
        data = page.split('id="meeting-reminders" type="application/json">')[1].split("</script>")[0]
        assert [(datetime.fromisoformat(row["starts_at"]), row["text"]) for row in json.loads(data)] == [
            (slots["lunch"].starts_at, text)
        ]


def test_the_offers_take_as_many_queries_for_four_advisers_as_for_one_and_each_keeps_their_own_busy_time(
    event, ria, slots, municipalities, offers
):
    signed_up(event, offers, municipalities["GM0307"], "quick-scan", "griffie@amersfoort.example")
    booker = attendee(event, "Bert Boeker")[0]
    with CaptureQueriesContext(connection) as one:
        alone = selectors.intake_offers(event.pk, municipalities["GM0307"], booker)
    others = [make_adviser(event, name)[0] for name in ("Anna Adviseur", "Bas Bakker", "Cor Claassen")]
    # Bas has an intake with Amsterdam over lunch: his offer to Amersfoort leaves the lunch slot out.
    Intake.objects.create(
        adviser=others[1], slot=slots["lunch"], municipality=municipalities["GM0363"], booker_name="Griffie"
    )
    with CaptureQueriesContext(connection) as four:
        offered = selectors.intake_offers(event.pk, municipalities["GM0307"], booker)

    assert [(offer.adviser, offer.slots) for offer in alone] == [(ria[0], [slots["lunch"], slots["later"]])]
    assert [(offer.adviser.last_name, offer.slots) for offer in offered] == [
        ("Adviseur", [slots["lunch"], slots["later"]]),
        ("Bakker", [slots["later"]]),
        ("Claassen", [slots["lunch"], slots["later"]]),
        ("Vermeer", [slots["lunch"], slots["later"]]),
    ]
    assert len(four.captured_queries) == len(one.captured_queries)


def test_a_further_contact_not_yet_accepted_can_neither_book_nor_cancel_and_is_told_why(
    event, offers, municipalities, ria, amersfoort, slots
):
    book_on_signup_page(amersfoort, ria, slots["lunch"])
    intake = Intake.objects.get()
    # A second person for Amersfoort: their link works, but they are not accepted as a contact yet.
    signed_up(event, offers, municipalities["GM0307"], "quick-scan", "mallory@evil.example")
    mallory = OutboundEmail.objects.filter(to="mallory@evil.example").latest("pk").context["manage_token"]

    booking = book_on_signup_page(mallory, ria, slots["later"])
    cancelling = Client().post(f"/netwerk/aanmelding/{mallory}/intake/{intake.pk}/annuleren/")

    for response in (booking, cancelling):
        assert response.status_code == 403
        assert "U bent nog niet toegelaten als contactpersoon." in response.content.decode()
    with pytest.raises(MeetingError) as refused:
        services.cancel_intake(intake_id=intake.pk, contact=signup_services.contact_for_manage_token(mallory))
    assert (refused.value.code, refused.value.status) == ("not_admitted", 403)
    assert list(Intake.objects.values_list("pk", "state")) == [(intake.pk, "booked")]
