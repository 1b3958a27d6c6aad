"""The planning board's services: moves and swaps through the programme service, the preview of
their consequences and conflicts, stale versions, and setting up rooms, rounds and workshops."""

from datetime import time

import pytest

from events.board import services
from events.board.services import Change
from events.errors import InvalidInput, WorkshopError
from events.models import AuditEntry, Booking, OutboundEmail, Room, Round, Speaker, Workshop
from events.services import StaleVersion


def place(workshop: Workshop) -> tuple[str, str, int]:
    workshop.refresh_from_db()
    return (workshop.room.name, workshop.round.label, workshop.sequence)


def test_a_move_to_an_empty_cell_goes_through_the_programme_service(programme, make_attendee):
    raad, room_b = programme["raad"], programme["rooms"]["b"]
    make_attendee(1, raad)
    # Zaal B is free in round 2.
    services.apply_change(Change(raad, version=0, room=room_b, round=programme["rounds"]["second"]))

    assert place(raad) == ("Zaal B", "Ronde 2", 1)
    # Zaal B seats 30: the workshop seats at most the room now.
    assert raad.capacity == 30
    assert list(OutboundEmail.objects.filter(kind="workshop_changed").values_list("to", flat=True)) == [
        "deelnemer1@x.example"
    ]
    assert AuditEntry.objects.filter(action="workshop.moved").count() == 1


def test_a_swap_in_one_round_trades_rooms_in_one_transaction(programme):
    raad, small = programme["raad"], programme["small"]
    counts = services.apply_change(Change(raad, version=0, other=small, other_version=0))

    assert (place(raad), place(small)) == (("Zaal B", "Ronde 1", 1), ("Zaal A", "Ronde 1", 1))
    assert counts == {"promoted": 0, "released": 0, "told": 0}
    assert Workshop.objects.filter(status="moving").count() == 0


def test_a_swap_across_rounds_keeps_who_is_booked_in_both(programme, make_attendee):
    raad, digital = programme["raad"], programme["digital"]
    both = make_attendee(1, raad, digital)
    services.apply_change(Change(raad, version=0, other=digital, other_version=0))

    assert (place(raad), place(digital)) == (("Zaal A", "Ronde 2", 1), ("Zaal A", "Ronde 1", 1))
    assert sorted(
        Booking.objects.filter(registration=both).values_list("workshop__slug", "round__label", "status")
    ) == [("digitale-participatie", "Ronde 1", "booked"), ("sterke-raad", "Ronde 2", "booked")]


def test_a_stale_version_is_refused_and_changes_nothing(programme):
    raad, small = programme["raad"], programme["small"]
    services.apply_change(Change(small, version=0, capacity=3))

    with pytest.raises(StaleVersion) as refused:
        services.apply_change(Change(raad, version=0, other=small, other_version=0))

    assert (refused.value.status, refused.value.workshop_ids) == (409, sorted([raad.pk, small.pk]))
    assert (place(raad), place(small)) == (("Zaal A", "Ronde 1", 0), ("Zaal B", "Ronde 1", 1))


def test_the_preview_counts_mails_calendars_and_the_waitlist_without_changing_anything(
    programme, make_attendee
):
    small = programme["small"]
    make_attendee(1, small), make_attendee(2, small), make_attendee(3, small)
    mails_before = OutboundEmail.objects.count()

    # Into Zaal A (40) in round 2: two seated get a mail, the waiting one moves up.
    result = services.preview(
        Change(
            small, version=0, room=programme["rooms"]["a"], round=programme["rounds"]["second"], capacity=3
        )
    )
    assert result["conflicts"] and result["conflicts"][0]["code"] == "room_taken"

    result = services.preview(Change(small, version=0, capacity=3))
    assert {k: result[k] for k in ("mails", "calendar_updates", "promoted", "can_apply")} == {
        "mails": 1,
        "calendar_updates": 3,
        "promoted": 1,
        "can_apply": True,
    }
    assert (OutboundEmail.objects.count(), place(small)) == (mails_before, ("Zaal B", "Ronde 1", 0))


def test_the_preview_shows_each_kind_of_conflict(programme, make_attendee, event):
    raad, small, digital = programme["raad"], programme["small"], programme["digital"]
    tiny = Room.objects.create(event=event, name="Kamertje", capacity=1)
    make_attendee(1, small, digital), make_attendee(2, small)
    speaker = Speaker.objects.create(event=event, name="Anna de Vries")
    small.speakers.add(speaker), digital.speakers.add(speaker)

    too_small = services.preview(Change(small, version=0, room=tiny, round=small.round))
    twice = services.preview(Change(small, version=0, room=programme["rooms"]["a"], round=digital.round))
    moved = services.preview(Change(small, version=0, room=programme["rooms"]["b"], round=digital.round))

    codes = lambda result: sorted(c["code"] for c in result["conflicts"])  # noqa: E731
    assert (codes(too_small), too_small["can_apply"]) == (["room_too_small"], False)
    assert "room_taken" in codes(twice) and twice["can_apply"] is False
    assert (codes(moved), moved["can_apply"]) == (["attendees_booked_elsewhere", "speaker_twice"], True)
    assert moved["released"] == 1
    assert raad.sequence == 0 and place(small) == ("Zaal B", "Ronde 1", 0)


def test_an_apply_the_rules_refuse_changes_nothing(programme):
    raad, digital = programme["raad"], programme["digital"]
    with pytest.raises(WorkshopError) as refused:
        services.apply_change(Change(raad, version=0, room=digital.room, round=digital.round))
    assert refused.value.code == "room_taken"
    assert place(raad) == ("Zaal A", "Ronde 1", 0)


def test_rooms_rounds_and_workshops_are_set_up_with_validation(event, programme):
    room = services.create_room(event, name="Zaal C", capacity=25)
    round_ = services.create_round(event, label="Ronde 3", starts=time(15), ends=time(16))
    workshop = services.create_workshop(
        event, title="Nieuwe workshop", room=room, round=round_, capacity=20, speakers=["Piet Jansen"]
    )
    assert (workshop.slug, list(workshop.speakers.values_list("name", flat=True))) == (
        "nieuwe-workshop",
        ["Piet Jansen"],
    )
    from events import times

    assert (times.clock(round_.starts_at), times.clock(round_.ends_at)) == ("15:00", "16:00")
    services.update_workshop_details(workshop, version=0, title="Andere titel", description="", speakers=[])
    workshop.refresh_from_db()
    assert (workshop.title, workshop.sequence) == ("Andere titel", 1)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda e, p: services.create_room(e, name=" ", capacity=10), "name"),
        (lambda e, p: services.create_room(e, name="zaal a", capacity=10), "name"),
        (lambda e, p: services.create_room(e, name="Zaal X", capacity=0), "capacity"),
        (lambda e, p: services.update_room(p["rooms"]["a"], name="Zaal A", capacity=5), "capacity"),
        (lambda e, p: services.create_round(e, label="Laat", starts=time(16), ends=time(15)), "ends"),
        (lambda e, p: services.create_round(e, label="", starts=time(15), ends=time(16)), "label"),
    ],
)
def test_bad_input_is_422_with_the_field_and_nothing_stored(event, programme, make, field):
    counts = (Room.objects.count(), Round.objects.count(), Workshop.objects.count())
    with pytest.raises(InvalidInput) as refused:
        make(event, programme)
    assert (refused.value.status, list(refused.value.errors)) == (422, [field])
    assert (Room.objects.count(), Round.objects.count(), Workshop.objects.count()) == counts


def test_a_workshop_in_a_taken_room_or_too_big_for_it_is_refused_and_not_stored(event, programme):
    first = programme["rounds"]["first"]
    with pytest.raises(WorkshopError) as taken:
        services.create_workshop(
            event, title="Dubbel", room=programme["rooms"]["a"], round=first, capacity=10
        )
    with pytest.raises(WorkshopError) as too_big:
        services.create_workshop(
            event,
            title="Groot",
            room=programme["rooms"]["b"],
            round=programme["rounds"]["second"],
            capacity=99,
        )
    assert (taken.value.code, too_big.value.code) == ("room_taken", "capacity_exceeds_room")
    assert Workshop.objects.filter(title__in=["Dubbel", "Groot"]).count() == 0


def test_a_stale_edit_of_a_workshop_is_refused(programme):
    raad = programme["raad"]
    with pytest.raises(StaleVersion):
        services.update_workshop_details(raad, version=7, title="Nieuw", description="", speakers=[])
    raad.refresh_from_db()
    assert raad.title == "Sterke Raad"
