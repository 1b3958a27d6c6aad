"""Delegations: a coordinator registers the people of their municipality in one go, all or none;
each member with an address gets their own mail and link and proves it, the coordinator manages
the others, and their page shows everyone."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from events import backup, services
from events.models import Booking, Delegation, OutboundEmail, Registration
from tests.concurrency import race
from tests.factories import DELEGATION_PAGE_POST, registration_payload
from tests.support import post_json, requires_postgres, trail

# Mails go out when their change commits: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/delegations"
DELEGATION_LINK = re.compile(r"http://127\.0\.0\.1:8000/aanmelden/delegatie/bevestig/([\w-]+)/")
GRIFFIER = {
    "first_name": "Griet",
    "last_name": "Griffier",
    "email": "griffie@amersfoort.example",
    "role": "griffier",
}


def member(n: int, **overrides) -> dict:
    person = {
        "first_name": "Raad",
        "last_name": f"Lid {n}",
        "email": f"lid.{n}@amersfoort.example",
        "role": "raadslid",
    }
    return {**person, **overrides}


def delegation_payload(*members: dict, attending: bool = False, **overrides) -> dict:
    return {
        "coordinator": GRIFFIER,
        "municipality": "GM0307",
        "attending": attending,
        "members": list(members),
        **overrides,
    }


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def test_a_delegation_registers_everyone_and_answers_201(api, programme):
    payload = delegation_payload(
        member(1, workshops=[programme["raad"].pk]),
        member(2, email="", role="wethouder"),
        attending=True,
    )

    response = post_json(api, URL, payload)

    assert response.status_code == 201
    body = response.json()
    delegation = Delegation.objects.get()
    coordinator, with_address, without = (
        Registration.objects.get(email=GRIFFIER["email"]),
        Registration.objects.get(email="lid.1@amersfoort.example"),
        Registration.objects.get(last_name="Lid 2"),
    )
    assert sorted(body) == ["manage_url", "members", "reference"]
    assert body["reference"] == delegation.reference
    assert body["manage_url"] == f"http://testserver/aanmelden/delegatie/{delegation.manage_token}/"
    # The coordinator sees their own link and the address-less member's, never a member's own.
    assert body["members"] == [
        {
            "reference": coordinator.reference,
            "status": "confirmed",
            "manage_url": f"http://testserver/r/{coordinator.manage_token}/",
        },
        {"reference": with_address.reference, "status": "confirmed", "manage_url": None},
        {
            "reference": without.reference,
            "status": "confirmed",
            "manage_url": f"http://testserver/r/{without.manage_token}/",
        },
    ]
    assert [r.delegation_id for r in (coordinator, with_address, without)] == [delegation.pk] * 3
    assert [r.municipality_id for r in (coordinator, with_address, without)] == ["GM0307"] * 3
    assert list(with_address.bookings.values_list("workshop_id", "status")) == [
        (programme["raad"].pk, "booked")
    ]
    assert [entry[:2] for entry in trail(action="delegation.created")] == [
        ("delegation.created", f"{delegation.reference} GM0307")
    ]


def test_each_member_with_an_address_gets_their_own_mail_and_the_coordinator_not_their_link(api, programme):
    post_json(api, URL, delegation_payload(member(1), member(2, email="")))
    with_address = Registration.objects.get(email="lid.1@amersfoort.example")
    without = Registration.objects.get(last_name="Lid 2")

    (own,) = mails_to("lid.1@amersfoort.example")
    (coordinator_mail,) = mails_to(GRIFFIER["email"])
    assert with_address.manage_token in own.body
    assert "/bevestig/" in own.body  # they prove their own address
    assert with_address.manage_token not in coordinator_mail.body
    assert without.manage_token in coordinator_mail.body
    assert [part.get_filename() for part in coordinator_mail.attachments] == [
        f"badge-{without.reference}.png"
    ]
    assert len(mail.outbox) == 2


def test_the_coordinators_link_proves_the_members_they_manage_but_not_the_others(api, client, programme):
    post_json(api, URL, delegation_payload(member(1), member(2, email=""), attending=True))
    token = DELEGATION_LINK.search(mails_to(GRIFFIER["email"])[0].body).group(1)

    assert client.get(f"/aanmelden/delegatie/bevestig/{token}/").status_code == 200
    assert Delegation.objects.get().address_verified is False  # opening the link proves nothing
    response = client.post(f"/aanmelden/delegatie/bevestig/{token}/")

    assert response.status_code == 302
    proven = dict(Registration.objects.values_list("last_name", "address_verified_at"))
    assert {name: moment is not None for name, moment in proven.items()} == {
        "Griffier": True,
        "Lid 1": False,
        "Lid 2": True,
    }
    assert client.post(f"/aanmelden/delegatie/bevestig/{token}/").status_code == 404  # used


def test_two_members_without_an_address_are_both_proven(api, client, programme):
    """The one-registration-per-proven-address rule is about addresses, not their absence."""
    post_json(api, URL, delegation_payload(member(1, email=""), member(2, email="")))
    token = DELEGATION_LINK.search(mails_to(GRIFFIER["email"])[0].body).group(1)

    client.post(f"/aanmelden/delegatie/bevestig/{token}/")

    assert Registration.objects.filter(address_verified_at__isnull=False).count() == 2


def test_a_delegation_larger_than_the_places_left_is_refused_whole(api, event, programme, make_attendee):
    event.capacity = 4
    event.save()
    make_attendee(90)
    mail.outbox.clear()

    response = post_json(api, URL, delegation_payload(member(1), member(2), member(3), attending=True))

    assert response.status_code == 422
    assert response.json()["code"] == "event_full"
    assert response.json()["detail"] == "Er zijn nog 3 plaatsen; deze delegatie heeft er 4 nodig (1 te veel)."
    assert (Registration.objects.count(), Delegation.objects.count(), Booking.objects.count()) == (1, 0, 0)
    assert (OutboundEmail.objects.count() - 1, len(mail.outbox)) == (0, 0)


@pytest.mark.parametrize(
    ("members", "field"),
    [
        ([member(1), member(2), member(3), member(4, email="geen-adres")], "members.3.email"),
        ([member(1), member(2, role="koning")], "members.1.role"),
        ([member(1), member(2, first_name="")], "members.1.first_name"),
        ([member(1), member(2, email="LID.1@amersfoort.example")], "members.1.email"),
        ([member(1, workshops=[10**6])], "members.0.workshops"),
    ],
)
def test_one_bad_member_is_a_422_on_their_row_and_nothing_is_stored(api, programme, members, field):
    response = post_json(api, URL, delegation_payload(*members))

    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert (Registration.objects.count(), Delegation.objects.count(), OutboundEmail.objects.count()) == (
        0,
        0,
        0,
    )


def test_the_coordinators_own_address_may_not_appear_again_when_they_attend(api, programme):
    response = post_json(api, URL, delegation_payload(member(1, email=GRIFFIER["email"]), attending=True))

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["members.0.email"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"municipality": "GM9999"}, "municipality"),
        ({"members": []}, "members"),
        ({"members": [member(n) for n in range(200)]}, "members"),
        ({"coordinator": {**GRIFFIER, "email": "griffie"}}, "coordinator.email"),
    ],
)
def test_bad_delegations_are_422_and_store_nothing(api, programme, overrides, field):
    response = post_json(api, URL, delegation_payload(member(1), **overrides))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert (Registration.objects.count(), Delegation.objects.count()) == (0, 0)


def test_a_closed_registration_refuses_a_delegation(api, event, programme):
    event.registration_closes_at = timezone.now()
    event.save()

    response = post_json(api, URL, delegation_payload(member(1)))

    assert (response.status_code, response.json()["code"]) == (409, "registration_closed")
    assert Delegation.objects.count() == 0


def test_the_coordinators_page_lists_the_members_and_removes_one(api, client, programme):
    body = post_json(
        api, URL, delegation_payload(member(1, workshops=[programme["small"].pk]), member(2, email=""))
    ).json()
    page = body["manage_url"].removeprefix("http://testserver")
    leaving = Registration.objects.get(last_name="Lid 1")

    shown = client.get(page)
    assert shown.status_code == 200
    assert [name in shown.content.decode() for name in ("Raad Lid 1", "Raad Lid 2", "Klein Gezelschap")] == [
        True
    ] * 3
    response = client.post(page, {"reference": leaving.reference, "remove": "1"})

    assert response.status_code == 302
    leaving.refresh_from_db()
    assert (leaving.status, leaving.bookings.count()) == ("cancelled", 0)
    assert client.get("/aanmelden/delegatie/onbekend-token/").status_code == 404

    # Buttons on a page opened before: taking off twice is done; a link for someone off the list is said.
    again = client.post(page, {"reference": leaving.reference, "remove": "1"})
    resend = client.post(page, {"reference": leaving.reference, "resend": "1"})
    assert (again.status_code, again["Location"]) == (302, f"{page}?verwijderd=1")
    assert (resend.status_code, "Deze persoon hoort niet bij de delegatie." in resend.content.decode()) == (
        404,
        True,
    )


def test_mails_to_a_member_without_an_address_go_to_the_coordinator(api, client, programme):
    body = post_json(api, URL, delegation_payload(member(1, email=""))).json()
    mail.outbox.clear()
    managed = Registration.objects.get()

    client.post(
        body["manage_url"].removeprefix("http://testserver"), {"reference": managed.reference, "remove": "1"}
    )

    assert [(message.to, "geannuleerd" in message.subject) for message in mail.outbox] == [
        ([GRIFFIER["email"]], True)
    ]


@requires_postgres
def test_a_delegation_of_ten_against_single_registrations_for_the_last_places(api, event, programme):
    """Twelve places left: a delegation of ten and ten people alone race. Either the delegation gets
    in whole (and two of the others), or it is refused whole; never part of it."""
    event.capacity = 12
    event.save()

    def attempt(index: int):
        client = Client()
        if index == 0:
            return post_json(client, URL, delegation_payload(*[member(n) for n in range(10)])).status_code
        return post_json(client, "/api/v1/registrations", registration_payload(100 + index)).status_code

    results = race(attempt, 11)

    delegates = Registration.objects.filter(delegation__isnull=False).count()
    alone = Registration.objects.filter(delegation__isnull=True).count()
    assert delegates in (0, 10)
    assert delegates + alone == 12 if delegates else alone == 10
    assert results[0] == (201 if delegates else 422)
    assert Registration.objects.count() <= 12


@requires_postgres
def test_two_delegations_for_the_last_seats_one_gets_in_whole(api, event, programme):
    event.capacity = 6
    event.save()

    def attempt(index: int):
        members = [member(10 * index + n) for n in range(4)]
        return post_json(Client(), URL, delegation_payload(*members)).status_code

    assert sorted(race(attempt, 2)) == [201, 422]
    assert (Delegation.objects.count(), Registration.objects.count()) == (1, 4)


PAGE_POST = {
    **DELEGATION_PAGE_POST,
    "members-0-first_name": "Raad",
    "members-0-last_name": "Lid",
    "members-0-email": "raadslid@amersfoort.example",
    "members-0-role": "raadslid",
}


def test_the_form_page_registers_and_leads_to_the_coordinators_page(client, programme):
    assert client.get("/aanmelden/delegatie/").status_code == 200

    response = client.post(
        "/aanmelden/delegatie/",
        {
            **PAGE_POST,
            "members-2-first_name": "Wet",
            "members-2-last_name": "Houder",
            "members-2-role": "wethouder",
        },
    )

    delegation = Delegation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/aanmelden/delegatie/{delegation.manage_token}/?welkom=1"
    assert sorted(delegation.members.values_list("last_name", "email")) == [
        ("Houder", ""),
        ("Lid", "raadslid@amersfoort.example"),
    ]


@pytest.mark.parametrize(
    ("change", "field_id"),
    [
        ({"members-2-first_name": "Zonder", "members-2-role": "raadslid"}, "id_members-2-last_name"),
        (
            {
                "members-1-first_name": "Dubbel",
                "members-1-last_name": "Adres",
                "members-1-role": "raadslid",
                "members-1-email": "RAADSLID@amersfoort.example",
            },
            "id_members-1-email",
        ),
        ({"privacy": ""}, "id_privacy"),
    ],
)
def test_a_bad_row_on_the_page_is_a_422_marking_that_row_and_stores_nothing(
    client, programme, change, field_id
):
    response = client.post("/aanmelden/delegatie/", {**PAGE_POST, **change})

    assert response.status_code == 422
    assert f'href="#{field_id}"' in response.content.decode()
    assert (Registration.objects.count(), Delegation.objects.count()) == (0, 0)


def test_more_rows_adds_five_and_registers_nothing(client, programme):
    response = client.post("/aanmelden/delegatie/", {**PAGE_POST, "more": "1"})

    assert response.status_code == 200
    assert response.content.decode().count('name="members-9-first_name"') == 1
    assert Registration.objects.count() == 0


def test_get_delegation_answers_its_members_and_404_for_an_unknown_link(api, programme):
    body = post_json(api, URL, delegation_payload(member(1), member(2, email=""))).json()
    token = Delegation.objects.get().manage_token

    response = api.get(f"{URL}/{token}")

    assert (response.status_code, response.json()) == (200, body)
    assert (api.get(f"{URL}/onbekend").status_code, api.get(f"{URL}/onbekend").json()["code"]) == (
        404,
        "not_found",
    )


def test_the_coordinator_adds_a_member_who_takes_a_place_as_anyone(api, client, event, programme):
    post_json(api, URL, delegation_payload(member(1)))
    page = f"/aanmelden/delegatie/{Delegation.objects.get().manage_token}/"
    mail.outbox.clear()
    new = {
        "add": "1",
        "new-first_name": "Nieuw",
        "new-last_name": "Lid",
        "new-email": "nieuw@amersfoort.example",
        "new-role": "raadslid",
    }

    response = client.post(page, new)

    assert (response.status_code, response["Location"]) == (302, f"{page}?toegevoegd=1")
    added = Registration.objects.get(email="nieuw@amersfoort.example")
    assert (added.delegation_id, added.municipality_id) == (Delegation.objects.get().pk, "GM0307")
    assert [message.to for message in mail.outbox] == [["nieuw@amersfoort.example"]]
    # The same address again, and a full event: a 422 on the page, nothing stored.
    assert client.post(page, new).status_code == 422
    event.capacity = 2
    event.save()
    full = client.post(page, {**new, "new-email": "", "new-last_name": "Teveel"})
    assert (full.status_code, "Het evenement is vol." in full.content.decode()) == (422, True)
    assert Registration.objects.count() == 2


def test_a_member_added_after_the_coordinator_proved_the_address_is_proven(api, client, programme):
    post_json(api, URL, delegation_payload(member(1)))
    token = DELEGATION_LINK.search(mails_to(GRIFFIER["email"])[0].body).group(1)
    client.post(f"/aanmelden/delegatie/bevestig/{token}/")
    delegation = Delegation.objects.get()

    added, _token = services.add_member(
        delegation, {"first_name": "Zonder", "last_name": "Adres", "email": "", "role": "raadslid"}
    )

    assert added.address_verified is True
    assert [message.to for message in mail.outbox][-1] == [GRIFFIER["email"]]


def test_purging_the_event_removes_the_coordinators_details(api, event, programme, time_machine):
    post_json(api, URL, delegation_payload(member(1)))
    time_machine.move_to(timezone.now() + timedelta(days=400))

    removed = services.purge_event(event)

    assert (removed["delegations"], Delegation.objects.count()) == (1, 0)


def test_a_backup_restores_the_delegation_with_its_coordinator(api, event, programme):
    post_json(api, URL, delegation_payload(member(1), member(2, email=""), attending=True))
    document = backup.export_event(event)
    call_command("flush", interactive=False, verbosity=0)

    counts = backup.import_event(document)

    delegation = Delegation.objects.get()
    assert counts["events.delegation"] == 1
    assert delegation.coordinator_registration.email == GRIFFIER["email"]
    assert delegation.members.count() == 3


def test_the_coordinator_sends_a_members_link_again_to_the_member_only(api, client, programme):
    body = post_json(api, URL, delegation_payload(member(1), member(2, email=""))).json()
    page = body["manage_url"].removeprefix("http://testserver")
    with_address = Registration.objects.get(last_name="Lid 1")
    without = Registration.objects.get(last_name="Lid 2")
    mail.outbox.clear()

    resent = client.post(page, {"reference": with_address.reference, "resend": "1"})
    refused = client.post(page, {"reference": without.reference, "resend": "1"})

    assert (resent.status_code, resent["Location"]) == (302, f"{page}?verstuurd=1")
    assert (refused.status_code, "Deze persoon heeft geen eigen e-mailadres" in refused.content.decode()) == (
        422,
        True,
    )
    assert [message.to for message in mail.outbox] == [[with_address.email]]
    assert with_address.manage_token not in client.get(page).content.decode()
