"""The registration form tells a code holder the truth about the seats their code holds back: a
workshop full to the public but with a seat held for the code says so (opened with `?code=`, or
shown again after a submit with the code), and without the code it still says full."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.models import Booking, InvitationCode, Registration, Workshop
from tests.factories import registration_payload

pytestmark = pytest.mark.django_db

CODE = "PERS-2026"
HELD = "Plaats voor u vrijgehouden"
FULL = "Vol — wachtlijst"


@pytest.fixture
def raad(event, programme, make_attendee) -> Workshop:
    """`raad` with four seats: two held back for the code, the two others booked by the public."""
    workshop = programme["raad"]
    workshop.capacity = 4
    workshop.save()
    services.make_invitation_code(
        event=event, code=CODE, uses_allowed=5, holds=[services.HoldRequest(workshop=workshop.pk, seats=2)]
    )
    make_attendee(1, workshop)
    make_attendee(2, workshop)
    return workshop


def label(page: str, workshop: Workshop) -> tuple[str, str]:
    """(class, text) of the seats shown with a workshop on the form."""
    found = re.search(
        rf'data-workshop="{workshop.pk}".*?<span class="seats (\w+)" data-seats[^>]*>(.*?)</span>', page, re.S
    )
    return found.group(1), found.group(2).strip()


def form_data(**fields) -> dict:
    return {**registration_payload(n=9), "privacy": "on", **fields}


def test_the_link_with_the_code_fills_it_in_and_shows_the_held_seat(client, raad, programme):
    page = client.get(f"/aanmelden/?code={CODE.lower()}").content.decode()

    assert f'name="code" value="{CODE.lower()}"' in page
    assert label(page, raad) == ("free", HELD)
    assert label(page, programme["small"]) == ("free", "nog 2 plekken")  # no hold there: as for anyone
    assert page.count("data-held-for-code") == 1  # raad's: the live counts keep its label
    assert 'data-held="Plaats voor u vrijgehouden"' in page


def test_while_the_public_has_seats_the_count_shows_and_the_hold_is_marked(client, raad):
    raad.capacity = 6
    raad.save()

    page = client.get(f"/aanmelden/?code={CODE}").content.decode()

    assert label(page, raad) == ("free", "nog 2 plekken")
    assert re.search(rf'data-workshop="{raad.pk}".*?data-seats data-held-for-code>', page, re.S)


def test_without_the_code_the_workshop_is_full(client, raad):
    page = client.get("/aanmelden/").content.decode()

    assert label(page, raad) == ("full", FULL)
    assert "data-held-for-code" not in page


@pytest.mark.parametrize("code", ["ONBEKEND", ""])
def test_an_unknown_or_empty_code_in_the_link_shows_the_workshop_full(client, raad, code):
    page = client.get(f"/aanmelden/?code={code}").content.decode()

    assert label(page, raad) == ("full", FULL)


def test_an_expired_or_used_up_code_shows_the_workshop_full(client, raad):
    code = InvitationCode.objects.get(code=CODE)
    code.valid_until = timezone.now() - timedelta(minutes=1)
    code.save()
    expired = client.get(f"/aanmelden/?code={CODE}").content.decode()
    code.valid_until, code.uses = None, code.uses_allowed
    code.save()
    used_up = client.get(f"/aanmelden/?code={CODE}").content.decode()

    assert (label(expired, raad), label(used_up, raad)) == (("full", FULL), ("full", FULL))


def test_held_seats_all_taken_by_code_holders_show_the_workshop_full(client, raad, make_attendee):
    code = InvitationCode.objects.get(code=CODE)
    make_attendee(3, raad, code=code)
    make_attendee(4, raad, code=code)

    page = client.get(f"/aanmelden/?code={CODE}").content.decode()

    assert label(page, raad) == ("full", FULL)


def test_the_form_shown_again_after_a_submit_with_the_code_shows_the_held_seat(client, raad):
    refused = client.post(
        "/aanmelden/", form_data(first_name="", code=CODE, **{f"round-{raad.round_id}": raad.pk})
    )
    without = client.post("/aanmelden/", form_data(first_name="", **{f"round-{raad.round_id}": raad.pk}))
    unknown = client.post("/aanmelden/", form_data(first_name="", code="ONBEKEND"))

    assert refused.status_code == 422
    assert label(refused.content.decode(), raad) == ("free", HELD)
    assert label(without.content.decode(), raad) == ("full", FULL)
    assert label(unknown.content.decode(), raad) == ("full", FULL)
    assert not Registration.objects.filter(email="anna.9@amersfoort.example").exists()


def test_what_the_form_says_is_what_the_code_holder_gets(client, raad):
    response = client.post("/aanmelden/", form_data(code=CODE, **{f"round-{raad.round_id}": raad.pk}))

    assert response.status_code == 302
    booking = Registration.objects.get(email="anna.9@amersfoort.example").bookings.get()
    assert (booking.workshop_id, booking.status) == (raad.pk, Booking.Status.BOOKED)


def test_the_code_holders_own_page_shows_the_seat_their_code_holds(client, raad, make_attendee, programme):
    holder = make_attendee(3, programme["small"], code=InvitationCode.objects.get(code=CODE))
    public = make_attendee(4, programme["small"])

    held = client.get(f"/r/{holder.manage_token}/").content.decode()
    full = client.get(f"/r/{public.manage_token}/").content.decode()

    assert (label(held, raad), label(full, raad)) == (("free", HELD), ("full", FULL))
