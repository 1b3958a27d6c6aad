"""Invitation codes: N uses until a moment, opening registration after it closed or past the
capacity and fixing a role; an unknown, used-up or expired code is a 422 on `code`; uses are
counted under the code's row lock."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events.models import InvitationCode, Registration
from tests.concurrency import race
from tests.factories import registration_payload
from tests.support import post_json, requires_postgres

URL = "/api/v1/registrations"


def make_code(event, **fields) -> InvitationCode:
    return InvitationCode.objects.create(event=event, **{"code": "pers-2026", "uses_allowed": 1, **fields})


@pytest.mark.django_db
def test_a_code_opens_registration_after_it_closed_and_fixes_the_role(api, event, programme):
    event.registration_closes_at = timezone.now() - timedelta(hours=1)
    event.save()
    code = make_code(event, opens_closed_registration=True, role="burgemeester")

    refused = post_json(api, URL, registration_payload(1))
    response = post_json(api, URL, registration_payload(2, code=" Pers-2026 "))

    assert (refused.status_code, response.status_code) == (409, 201)
    registration = Registration.objects.get()
    assert (registration.role, registration.invitation_code_id) == ("burgemeester", code.pk)
    code.refresh_from_db()
    assert code.uses == 1


@pytest.mark.django_db
def test_a_code_opens_places_past_the_capacity(api, event, programme, make_attendee):
    event.capacity = 1
    event.save()
    make_attendee(1)
    make_code(event, opens_past_capacity=True)

    assert post_json(api, URL, registration_payload(2)).json()["code"] == "event_full"
    assert post_json(api, URL, registration_payload(3, code="PERS-2026")).status_code == 201
    assert Registration.objects.count() == 2


@pytest.mark.django_db
def test_a_code_that_opens_nothing_still_counts_but_the_capacity_holds(api, event, programme, make_attendee):
    event.capacity = 1
    event.save()
    make_attendee(1)
    code = make_code(event)

    response = post_json(api, URL, registration_payload(2, code="PERS-2026"))

    assert response.json()["code"] == "event_full"
    code.refresh_from_db()
    assert code.uses == 0  # the failed registration gave its use back


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "ANDERS"}, "Deze code is niet bekend."),
        ({"uses": 1}, "Deze code is al opgebruikt."),
        ({"valid_until_hours": -1}, "Deze code is verlopen."),
    ],
)
def test_an_unknown_used_up_or_expired_code_is_a_422_on_the_code_field(
    api, event, programme, fields, message
):
    code = make_code(event, uses_allowed=1)
    hours = fields.pop("valid_until_hours", None)
    if hours is not None:
        fields["valid_until"] = timezone.now() + timedelta(hours=hours)
    InvitationCode.objects.filter(pk=code.pk).update(**{k: v for k, v in fields.items() if k != "code"})
    sent = fields.get("code", "PERS-2026")

    response = post_json(api, URL, registration_payload(1, code=sent))

    assert response.status_code == 422
    assert response.json()["errors"] == {"code": [message]}
    assert Registration.objects.count() == 0


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_thirty_registrations_with_a_five_use_code_make_exactly_five(event, programme):
    event.registration_closes_at = timezone.now() - timedelta(hours=1)
    event.save()
    make_code(event, uses_allowed=5, opens_closed_registration=True)

    results = race(
        lambda n: post_json(Client(), URL, registration_payload(n, code="PERS-2026")).status_code, 30
    )

    assert sorted(results) == [201] * 5 + [422] * 25
    assert (Registration.objects.count(), InvitationCode.objects.get().uses) == (5, 5)


@pytest.mark.django_db
def test_organisers_make_codes_through_the_api(staff_client, api, event, programme):
    body = {"code": "spreker-1", "uses_allowed": 3, "opens_past_capacity": True, "role": "anders"}

    staff_client.get("/dashboard/")  # the CSRF cookie, as the organiser's browser has it
    token = staff_client.cookies["csrftoken"].value
    made = post_json(staff_client, "/api/v1/invitation-codes", body, HTTP_X_CSRFTOKEN=token)
    again = post_json(staff_client, "/api/v1/invitation-codes", body, HTTP_X_CSRFTOKEN=token)
    anonymous = post_json(api, "/api/v1/invitation-codes", body)

    assert made.status_code == 201
    assert made.json() == {
        "id": InvitationCode.objects.get().pk,
        "code": "SPREKER-1",
        "uses_allowed": 3,
        "uses": 0,
        "valid_until": None,
        "opens_closed_registration": False,
        "opens_past_capacity": True,
        "role": "anders",
        "holds": [],
    }
    assert (again.status_code, again.json()["errors"]) == (409, {"code": ["Deze code bestaat al."]})
    assert anonymous.status_code == 401
    assert InvitationCode.objects.count() == 1


@pytest.mark.django_db
def test_the_admin_lists_codes_with_their_uses(organiser_admin, event):
    make_code(event, uses_allowed=5)

    response = organiser_admin.get("/admin/events/invitationcode/")

    assert response.status_code == 200
    assert "PERS-2026" in response.content.decode()
