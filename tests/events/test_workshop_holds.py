"""Workshop seats held back by an invitation code: not free to the public, free to the code's
registrants once per use, used ones count as booked; released by an organiser or at a moment,
the waiting list moving into the freed seats at once."""

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events import services
from events.errors import RegistrationError
from events.models import Booking, InvitationCode, OutboundEmail, Room, Round, Workshop, WorkshopHold
from tests.concurrency import race
from tests.factories import create_event, create_workshop, registration_payload
from tests.support import post_json, requires_postgres

REGISTER = "/api/v1/registrations"
CODE = "PERS-2026"


def make_code(event, workshop: Workshop, seats: int, *, uses_allowed: int = 5, **hold) -> InvitationCode:
    return services.make_invitation_code(
        event=event,
        code=CODE,
        uses_allowed=uses_allowed,
        holds=[services.HoldRequest(workshop=workshop.pk, seats=seats, **hold)],
    )


def with_code(make_attendee, n: int, *workshops: Workshop) -> object:
    return make_attendee(n, *workshops, code=InvitationCode.objects.get(code=CODE))


def status_of(registration) -> str:
    return registration.bookings.get().status


def counts(workshop: Workshop) -> tuple[int, int, int]:
    """(booked, held, free) as the programme and organisers see them."""
    shown = Workshop.objects.with_counts().get(pk=workshop.pk)
    return shown.booked, shown.held, shown.seats_left


def granted() -> list[str]:
    return list(OutboundEmail.objects.filter(kind="seat_granted").order_by("pk").values_list("to", flat=True))


def organiser_post(client: Client, path: str, body=None):
    client.get("/dashboard/")  # the CSRF cookie, as the organiser's browser has it
    return post_json(client, path, body or {}, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)


@pytest.fixture
def raad(programme) -> Workshop:
    """`raad` with eight seats, three of them held back for the code; the five others booked."""
    workshop = programme["raad"]
    workshop.capacity = 8
    workshop.save()
    return workshop


@pytest.fixture
def public_full(event, raad, make_attendee) -> list:
    make_code(event, raad, 3)
    return [make_attendee(n, raad) for n in range(1, 6)]


def test_the_public_waits_while_held_seats_remain_and_the_code_holder_gets_one(
    public_full, raad, make_attendee, api
):
    public = make_attendee(6, raad)
    holder = with_code(make_attendee, 7, raad)

    assert (status_of(public), status_of(holder)) == (Booking.Status.WAITLISTED, Booking.Status.BOOKED)
    shown = next(w for w in api.get("/api/v1/workshops").json() if w["id"] == raad.pk)
    assert (shown["booked"], shown["free"]) == (6, 0)
    page = api.get("/").content.decode()
    seats = re.search(rf'data-workshop="{raad.pk}".*?data-seats>([^<]*)<', page, re.S).group(1)
    assert seats.strip() == "Vol — wachtlijst"


def test_held_seats_used_count_as_booked_once_per_use(public_full, raad, make_attendee):
    assert counts(raad) == (5, 3, 0)
    holders = [with_code(make_attendee, n, raad) for n in range(10, 14)]

    assert [status_of(holder) for holder in holders] == ["booked", "booked", "booked", "waitlisted"]
    assert counts(raad) == (8, 0, 0)
    assert InvitationCode.objects.get().uses == 4


def test_a_code_holder_takes_a_held_seat_before_a_public_one(event, raad, make_attendee):
    make_code(event, raad, 3)
    with_code(make_attendee, 1, raad)

    # The seat came from the hold: the public still has five.
    assert counts(raad) == (1, 2, 5)


def test_every_booking_path_respects_the_hold(public_full, raad, make_attendee, programme):
    """Changing workshops and walking in at the door: the public finds no seat, the code holder does."""
    raad.allow_walk_ins = True
    raad.save()
    public, holder = make_attendee(6, programme["small"]), with_code(make_attendee, 7, programme["small"])

    services.change_workshops(public, [raad])
    services.change_workshops(holder, [raad])

    # The public keeps its seat in `small` and waits to swap; the code holder moved.
    assert [(b.workshop_id, b.status) for b in public.bookings.order_by("swap")] == [
        (programme["small"].pk, "booked"),
        (raad.pk, "waitlisted"),
    ]
    assert status_of(holder) == "booked"
    walk_in = make_attendee(8)
    with pytest.raises(RegistrationError) as refused:
        services.book_walk_in(walk_in, raad)
    assert refused.value.code == "workshop_full"


def test_a_held_seat_given_up_goes_to_a_waiting_code_holder_not_the_public(event, raad, make_attendee):
    make_code(event, raad, 1)
    public = [make_attendee(n, raad) for n in range(1, 8)]
    first_holder, second_holder = with_code(make_attendee, 8, raad), with_code(make_attendee, 9, raad)
    public_waiting = make_attendee(10, raad)
    assert (status_of(second_holder), status_of(public_waiting)) == ("waitlisted", "waitlisted")

    services.cancel_registration(first_holder)

    assert (status_of(second_holder), status_of(public_waiting)) == ("booked", "waitlisted")
    assert granted() == [second_holder.email]
    assert all(status_of(person) == "booked" for person in public)


def test_an_organiser_releases_a_hold_and_the_waiting_list_moves_in(
    public_full, raad, make_attendee, staff_client, api
):
    waiting = [make_attendee(n, raad) for n in (6, 7)]
    holder = with_code(make_attendee, 8, raad)
    code = InvitationCode.objects.get()
    path = f"/api/v1/invitation-codes/{code.pk}/holds/{raad.pk}/release"

    anonymous = post_json(api, path, {})
    released = organiser_post(staff_client, path)
    again = organiser_post(staff_client, path)
    unknown = organiser_post(staff_client, f"/api/v1/invitation-codes/{code.pk}/holds/{raad.pk + 99}/release")

    assert (anonymous.status_code, released.status_code, again.status_code) == (401, 200, 200)
    assert unknown.status_code == 404
    assert released.json()["released_at"] is not None
    assert again.json()["released_at"] == released.json()["released_at"]
    assert [status_of(person) for person in [*waiting, holder]] == ["booked", "booked", "booked"]
    assert granted() == [person.email for person in waiting]
    assert counts(raad) == (8, 0, 0)


def test_the_admin_releases_held_seats_and_shows_them(public_full, raad, make_attendee, organiser_admin):
    waiting = make_attendee(6, raad)
    hold = WorkshopHold.objects.get()

    listing = organiser_admin.get("/admin/events/workshophold/").content.decode()
    workshops = organiser_admin.get("/admin/events/workshop/").content.decode()
    organiser_admin.post(
        "/admin/events/workshophold/", {"action": "release_holds", "_selected_action": [hold.pk]}
    )

    assert "PERS-2026" in listing
    assert "field-held" in workshops
    assert status_of(waiting) == "booked"
    assert granted() == [waiting.email]


def test_held_seats_release_at_their_moment_once(public_full, raad, make_attendee, time_machine):
    hold = WorkshopHold.objects.get()
    hold.release_at = timezone.now() + timedelta(hours=2)
    hold.save()
    waiting = [make_attendee(n, raad) for n in (6, 7, 8, 9)]

    early = services.release_due_holds()
    time_machine.move_to(hold.release_at + timedelta(minutes=1))
    first, second = services.release_due_holds(), services.release_due_holds()

    assert (early, first, second) == (0, 1, 0)
    assert [status_of(person) for person in waiting] == ["booked", "booked", "booked", "waitlisted"]
    assert granted() == [person.email for person in waiting[:3]]


@pytest.mark.parametrize(
    ("hold", "message"),
    [
        ({"seats": 9}, "“Sterke Raad” heeft 8 plaatsen: houd er 1 tot en met 8 vrij."),
        ({"seats": -1}, "“Sterke Raad” heeft 8 plaatsen: houd er 1 tot en met 8 vrij."),
        ({"seats": 0}, "“Sterke Raad” heeft 8 plaatsen: houd er 1 tot en met 8 vrij."),
        ({"workshop": "elsewhere"}, "Geen workshop van dit evenement die te boeken is."),
        ({"workshop": "opening"}, "Geen workshop van dit evenement die te boeken is."),
    ],
)
def test_bad_holds_are_a_422_on_holds(staff_client, event, programme, raad, hold, message):
    other = create_event(slug="dld-vorig-jaar")
    round_ = Round.objects.create(
        event=other, label="Ronde", starts_at=raad.round.starts_at, ends_at=raad.round.ends_at
    )
    elsewhere = create_workshop(
        "elders", round_, Room.objects.create(event=other, name="Zaal Z", capacity=50), 20
    )
    workshops = {"elsewhere": elsewhere, "opening": programme["opening"], "raad": raad}
    body = {"seats": 2, **hold, "workshop": workshops[hold.get("workshop", "raad")].pk}

    response = organiser_post(staff_client, "/api/v1/invitation-codes", {"code": CODE, "holds": [body]})

    assert response.status_code == 422
    assert response.json()["errors"] == {"holds": [message]}
    assert InvitationCode.objects.count() == 0


def test_organisers_make_a_code_with_holds_through_the_api(staff_client, event, raad, programme):
    release_at = timezone.now() + timedelta(days=1)
    holds = [{"workshop": raad.pk, "seats": 3, "release_at": release_at.isoformat()}]

    made = organiser_post(staff_client, "/api/v1/invitation-codes", {"code": CODE, "holds": holds})
    twice = organiser_post(
        staff_client, "/api/v1/invitation-codes", {"code": "ANDER", "holds": [holds[0], holds[0]]}
    )

    assert made.status_code == 201
    assert [(h["workshop"], h["seats"], h["released_at"]) for h in made.json()["holds"]] == [
        (raad.pk, 3, None)
    ]
    assert WorkshopHold.objects.get().release_at == release_at
    assert (twice.status_code, twice.json()["errors"]) == (
        422,
        {"holds": ["“Sterke Raad” wordt twee keer vastgehouden."]},
    )
    assert counts(raad) == (0, 3, 5)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_public_and_code_registrations_at_once_never_pass_the_capacity(event, raad):
    """Ten of the public and three with the code at once, for five free and three held seats."""
    make_code(event, raad, 3, uses_allowed=3)

    def register(n: int) -> int:
        code = {"code": CODE} if n >= 10 else {}
        return post_json(Client(), REGISTER, registration_payload(n, workshops=[raad.pk], **code)).status_code

    results = race(register, 13)

    assert results == [201] * 13
    bookings = Booking.objects.filter(workshop=raad)
    with_code_ = bookings.filter(registration__invitation_code__isnull=False)
    public = bookings.filter(registration__invitation_code__isnull=True)
    assert with_code_.filter(status="booked").count() == 3
    assert (public.filter(status="booked").count(), public.filter(status="waitlisted").count()) == (5, 5)
    assert counts(raad) == (8, 0, 0)


def test_the_dashboard_shows_held_seats_and_releases_them(public_full, raad, make_attendee, staff_client):
    waiting = make_attendee(6, raad)
    with_code(make_attendee, 7, raad)
    hold = WorkshopHold.objects.get()

    page = staff_client.get("/dashboard/").content.decode()
    stats = staff_client.get("/api/v1/stats").json()
    token = staff_client.cookies["csrftoken"].value
    released = staff_client.post(
        f"/dashboard/vastgehouden/{hold.pk}/vrijgeven/", {"next": "/dashboard/"}, HTTP_X_CSRFTOKEN=token
    )

    row = re.search(rf'<tr data-workshop="{raad.pk}".*?</tr>', page, re.S).group(0)
    cells = dict(re.findall(r'data-field="(booked|held|free)">(\d+)<', row))
    assert cells == {"booked": "6", "held": "2", "free": "0"}
    assert f'data-hold="{hold.pk}"' in page
    figures = stats["held_seats"]
    assert [(f["workshop"], f["seats"], f["booked"], f["held"]) for f in figures] == [
        ("Sterke Raad", 3, 1, 2)
    ]
    assert CODE not in json.dumps(stats)  # a scanner reads the statistics too
    assert (released.status_code, released["Location"]) == (302, "/dashboard/")
    assert status_of(waiting) == "booked"
    assert f'data-hold="{hold.pk}"' not in staff_client.get("/dashboard/").content.decode()


def test_the_admin_makes_holds_with_a_code_and_refuses_too_many_seats(organiser_admin, event, raad):
    def add(code: str, seats: int):
        return organiser_admin.post(
            "/admin/events/invitationcode/add/",
            {
                "event": event.pk,
                "code": code,
                "uses_allowed": 2,
                "role": "",
                "holds-TOTAL_FORMS": 1,
                "holds-INITIAL_FORMS": 0,
                "holds-0-workshop": raad.pk,
                "holds-0-seats": seats,
            },
        )

    refused, made = add("TE-VEEL", 9), add("SPREKERS", 2)

    assert refused.status_code == 200  # the form again, with the message
    assert "houd er 1 tot en met 8 vrij" in refused.content.decode()
    assert made.status_code == 302
    assert list(WorkshopHold.objects.values_list("code__code", "seats")) == [("SPREKERS", 2)]
    assert counts(raad) == (0, 2, 6)
