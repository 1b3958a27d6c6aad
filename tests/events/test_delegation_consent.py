"""Joining a delegation by consent: an address registered on its own is not registered twice but
asked by mail; only the person's yes lets their registration (badge, reference, workshops, private
link) join. One delegation per person; the coordinator's page shows everyone, with their arrival."""

import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from checkin.services import create_device, redeem
from events import services
from events.models import Delegation, DelegationInvitation, OutboundEmail, Registration
from tests.clock import at
from tests.concurrency import race
from tests.support import post_json, requires_postgres, trail

# Mails go out when their change commits: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/delegations"
INVITATION_LINK = re.compile(r"http://127\.0\.0\.1:8000(/aanmelden/delegatie/uitnodiging/[\w-]+/)")
ALONE = "deelnemer1@x.example"  # make_attendee(1)'s address


def delegation_payload(*members: dict, coordinator_email: str = "griffie@amersfoort.example") -> dict:
    return {
        "coordinator": {
            "first_name": "Griet",
            "last_name": "Griffier",
            "email": coordinator_email,
            "role": "griffier",
        },
        "municipality": "GM0307",
        "attending": False,
        "members": list(members),
    }


def member(n: int, email: str = "") -> dict:
    return {
        "first_name": "Raad",
        "last_name": f"Lid {n}",
        "email": email or f"lid.{n}@amersfoort.example",
        "role": "raadslid",
    }


def invitation_path() -> str:
    (message,) = [message for message in mail.outbox if message.to == [ALONE]]
    return INVITATION_LINK.search(message.body).group(1)


@pytest.fixture
def alone(make_attendee, programme):
    """Person 1, registered on their own with a workshop, their address proven; no mails left."""
    registration = make_attendee(1, programme["small"])
    Registration.objects.filter(pk=registration.pk).update(address_verified_at=registration.created_at)
    mail.outbox.clear()
    return Registration.objects.get(pk=registration.pk)


def test_an_address_registered_alone_is_invited_and_the_answer_discloses_nothing_of_it(api, alone):
    response = post_json(api, URL, delegation_payload(member(2), member(3, email=ALONE.upper())))

    assert response.status_code == 201
    invitation = DelegationInvitation.objects.get()
    new = Registration.objects.get(email="lid.2@amersfoort.example")
    assert response.json()["members"] == [
        {"reference": new.reference, "status": "confirmed", "manage_url": None},
        {"reference": invitation.reference, "status": "invited", "manage_url": None},
    ]
    assert invitation.reference.startswith("INV-")
    # Not registered twice, not yet in the delegation; the mail to them carries the link.
    assert Registration.objects.filter(email__iexact=ALONE).count() == 1
    assert Registration.objects.get(pk=alone.pk).delegation_id is None
    (message,) = [message for message in mail.outbox if message.to == [ALONE]]
    assert message.subject == "Griet Griffier vraagt u om mee te gaan met de delegatie van Amersfoort"
    assert alone.manage_token not in message.body
    assert INVITATION_LINK.search(message.body) is not None
    assert OutboundEmail.objects.filter(kind="delegation_invitation", registration=alone).count() == 1


def test_yes_joins_the_delegation_with_the_same_badge_and_answering_again_changes_nothing(
    api, client, alone, programme
):
    body = post_json(api, URL, delegation_payload(member(3, email=ALONE))).json()
    delegation = Delegation.objects.get()
    path = invitation_path()

    shown = client.get(path)
    assert shown.status_code == 200
    assert "Griet Griffier (Griffier) vraagt u om mee te gaan met de delegatie van Amersfoort" in (
        shown.content.decode()
    )
    assert client.post(path, {"accept": "1"}).status_code == 200
    again = client.post(path, {"decline": "1"})  # a second click, another button: the first answer stands

    joined = Registration.objects.get(pk=alone.pk)
    assert again.status_code == 200
    assert "U hoort bij de delegatie." in again.content.decode()
    assert (joined.delegation_id, joined.status) == (delegation.pk, "confirmed")
    assert [getattr(joined, field) for field in ("badge_secret", "reference", "manage_token")] == [
        getattr(alone, field) for field in ("badge_secret", "reference", "manage_token")
    ]
    assert list(joined.bookings.values_list("workshop_id", flat=True)) == [programme["small"].pk]
    invitation = DelegationInvitation.objects.get()
    assert (invitation.accepted, invitation.state) == (True, "accepted")
    assert [entry[0] for entry in trail(action="registration.joined_delegation")] == [
        "registration.joined_delegation"
    ]
    # Now a member: the coordinator sees them by their own reference, not their link.
    answer = api.get(f"/api/v1/delegations/{delegation.manage_token}").json()
    assert answer["members"] == [{"reference": alone.reference, "status": "confirmed", "manage_url": None}]
    page = client.get(body["manage_url"].removeprefix("http://testserver")).content.decode()
    assert ("Deelnemer 1" in page, "Klein Gezelschap" in page) == (True, True)


def test_yes_proves_an_address_not_proven_yet(api, client, make_attendee):
    unproven = make_attendee(1)
    mail.outbox.clear()
    post_json(api, URL, delegation_payload(member(3, email=ALONE)))

    client.post(invitation_path(), {"accept": "1"})

    assert Registration.objects.get(pk=unproven.pk).address_verified is True


def test_no_changes_nothing_and_the_coordinator_sees_it_declined(api, client, alone):
    body = post_json(api, URL, delegation_payload(member(3, email=ALONE))).json()
    path = invitation_path()

    assert client.post(path, {"decline": "1"}).status_code == 200
    assert client.post(path, {"accept": "1"}).status_code == 200  # too late: no stays no

    after = Registration.objects.get(pk=alone.pk)
    assert (after.delegation_id, after.municipality_id, after.status) == (None, "GM0307", "confirmed")
    delegation = Delegation.objects.get()
    answer = api.get(f"/api/v1/delegations/{delegation.manage_token}").json()
    invitation = DelegationInvitation.objects.get()
    assert answer["members"] == [
        {"reference": invitation.reference, "status": "declined", "manage_url": None}
    ]
    page = client.get(body["manage_url"].removeprefix("http://testserver")).content.decode()
    assert ("afgewezen" in page, "Raad Lid 3" in page, "Deelnemer" in page) == (True, True, False)


def test_an_unknown_invitation_link_is_404(client, alone):
    assert client.get("/aanmelden/delegatie/uitnodiging/geen-bestaande-uitnodiging/").status_code == 404
    assert client.post("/aanmelden/delegatie/uitnodiging/geen-bestaande-uitnodiging/").status_code == 404


def test_someone_in_another_delegation_is_a_422_on_their_row_and_nothing_is_stored(api, alone):
    assert post_json(api, URL, delegation_payload(member(2))).status_code == 201
    mail.outbox.clear()

    response = post_json(
        api,
        URL,
        delegation_payload(member(4), member(2), coordinator_email="griffie@elders.example"),
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "members.1.email": ["Deze persoon hoort al bij de delegatie van een andere gemeente of coördinator."]
    }
    assert (Delegation.objects.count(), Registration.objects.count(), len(mail.outbox)) == (1, 2, 0)


def test_the_coordinator_adds_someone_registered_alone_and_is_told_they_are_asked(api, client, alone):
    post_json(api, URL, delegation_payload(member(2)))
    delegation = Delegation.objects.get()
    page = f"/aanmelden/delegatie/{delegation.manage_token}/"
    mail.outbox.clear()
    new = {
        "add": "1",
        "new-first_name": "Deel",
        "new-last_name": "Nemer",
        "new-email": ALONE,
        "new-role": "raadslid",
    }

    response = client.post(page, new)

    assert (response.status_code, response["Location"]) == (302, f"{page}?uitgenodigd=1")
    assert [message.to for message in mail.outbox] == [[ALONE]]
    shown = client.get(f"{page}?uitgenodigd=1").content.decode()
    assert ("Deel Nemer" in shown, "uitgenodigd" in shown) == (True, True)
    assert client.post(page, new).status_code == 422  # asked already
    assert DelegationInvitation.objects.filter(delegation=delegation).count() == 1


def test_an_invitation_expires_when_the_person_cancels_or_the_coordinator_withdraws_it(api, client, alone):
    post_json(api, URL, delegation_payload(member(3, email=ALONE)))
    delegation = Delegation.objects.get()
    first = invitation_path()
    services.cancel_registration(alone)

    assert client.get(first).status_code == 410
    assert client.post(first, {"accept": "1"}).status_code == 410
    assert DelegationInvitation.objects.get().state == "expired"

    again, _token = services.register(
        event=alone.event, first_name="Deelnemer", last_name="1", email=ALONE, role="raadslid"
    )
    mail.outbox.clear()
    invited, _none = services.add_member(delegation, member(3, email=ALONE))
    second = invitation_path()
    removed = client.post(
        f"/aanmelden/delegatie/{delegation.manage_token}/", {"reference": invited.reference, "remove": "1"}
    )

    assert removed["Location"] == f"/aanmelden/delegatie/{delegation.manage_token}/?ingetrokken=1"
    assert client.post(second, {"accept": "1"}).status_code == 410
    assert Registration.objects.get(pk=again.pk).delegation_id is None


def test_taking_off_someone_who_joined_by_consent_keeps_their_own_registration(api, client, alone):
    post_json(api, URL, delegation_payload(member(3, email=ALONE)))
    delegation = Delegation.objects.get()
    page = f"/aanmelden/delegatie/{delegation.manage_token}/"
    client.post(invitation_path(), {"accept": "1"})

    response = client.post(page, {"reference": alone.reference, "remove": "1"})

    assert response["Location"] == f"{page}?uit-delegatie=1"
    after = Registration.objects.get(pk=alone.pk)
    assert (after.delegation_id, after.status, after.bookings.count()) == (None, "confirmed", 1)
    assert [message.to for message in mail.outbox].count([ALONE]) == 1  # the invitation only


def test_the_coordinator_sends_the_invitation_again_with_a_new_link(api, client, alone):
    post_json(api, URL, delegation_payload(member(3, email=ALONE)))
    delegation = Delegation.objects.get()
    page = f"/aanmelden/delegatie/{delegation.manage_token}/"
    first = invitation_path()
    mail.outbox.clear()

    response = client.post(page, {"reference": DelegationInvitation.objects.get().reference, "reinvite": "1"})

    assert response["Location"] == f"{page}?opnieuw-uitgenodigd=1"
    second = invitation_path()
    assert (client.get(first).status_code, client.get(second).status_code) == (404, 200)
    # Only an open invitation of this delegation: a member's reference is no invitation.
    refused = client.post(page, {"reference": "DLD-XXXX", "reinvite": "1"})
    assert refused.status_code == 404


def test_the_coordinators_page_shows_when_a_member_arrived_on_the_day(api, client, event, programme):
    body = post_json(api, URL, delegation_payload(member(2), member(3))).json()
    arriving = Registration.objects.get(email="lid.2@amersfoort.example")
    page = body["manage_url"].removeprefix("http://testserver")
    entrance, _token = create_device(event=event, name="Ingang noord")

    with time_machine.travel(at(9, 12), tick=False):
        redeem(event=event, secret=arriving.badge_secret, device=entrance)
        shown = client.get(page).content.decode()

    assert (shown.count("aangekomen om 09:12"), shown.count("aangekomen")) == (1, 1)


def test_erasing_the_person_removes_the_invitations_naming_them(api, alone):
    post_json(api, URL, delegation_payload(member(3, email=ALONE)))

    removed = services.erase_registration(alone)

    assert (removed["delegation_invitations"], DelegationInvitation.objects.count()) == (1, 0)


@requires_postgres
def test_two_delegations_asking_the_same_person_who_says_yes_to_both_at_once_get_one(api, alone):
    post_json(api, URL, delegation_payload(member(3, email=ALONE)))
    post_json(
        api, URL, delegation_payload(member(3, email=ALONE), coordinator_email="griffie@elders.example")
    )
    paths = [
        INVITATION_LINK.search(message.body).group(1) for message in mail.outbox if message.to == [ALONE]
    ]

    def answer(index: int):
        return Client().post(paths[index], {"accept": "1"}).status_code

    assert sorted(race(answer, 2)) == [200, 410]
    joined = Registration.objects.get(pk=alone.pk)
    other = Delegation.objects.exclude(pk=joined.delegation_id).get()
    states = {invitation.delegation_id: invitation.state for invitation in DelegationInvitation.objects.all()}
    assert states == {joined.delegation_id: "accepted", other.pk: "expired"}


def test_an_attending_coordinator_registered_alone_is_asked_too_and_joins_as_the_coordinator(
    api, client, alone
):
    payload = {**delegation_payload(member(2), coordinator_email=ALONE), "attending": True}

    response = post_json(api, URL, payload)

    assert response.status_code == 201
    invitation = DelegationInvitation.objects.get()
    assert response.json()["members"][0] == {
        "reference": invitation.reference,
        "status": "invited",
        "manage_url": None,
    }
    assert Registration.objects.filter(email__iexact=ALONE).count() == 1  # not registered twice
    # Two mails to that address: the delegation's confirmation, and the question to join with it.
    (path,) = [INVITATION_LINK.search(m.body).group(1) for m in mail.outbox if INVITATION_LINK.search(m.body)]
    assert client.post(path, {"accept": "1"}).status_code == 200
    delegation = Delegation.objects.get()
    assert (delegation.coordinator_registration_id, Registration.objects.get(pk=alone.pk).delegation_id) == (
        alone.pk,
        delegation.pk,
    )


def test_an_attending_coordinator_in_another_delegation_is_a_422_on_the_coordinator(api, alone):
    assert post_json(api, URL, delegation_payload(member(3, email=ALONE))).status_code == 201
    Registration.objects.filter(pk=alone.pk).update(delegation=Delegation.objects.get())
    payload = {**delegation_payload(member(4), coordinator_email=ALONE), "attending": True}

    response = post_json(api, URL, payload)

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["coordinator.email"]
    assert Delegation.objects.count() == 1
