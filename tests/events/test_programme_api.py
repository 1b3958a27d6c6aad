"""PATCH/DELETE registrations/{token}, PATCH workshops/{id} and the pages that do the same."""

import pytest

from events.models import Booking, Registration, Workshop
from tests.factories import registration_payload
from tests.support import post_json


@pytest.fixture
def token(api, programme):
    body = post_json(
        api, "/api/v1/registrations", registration_payload(workshops=[programme["raad"].pk])
    ).json()
    return body["manage_url"].rstrip("/").rsplit("/", 1)[1]


def patch(client, path, data, **extra):
    return client.patch(path, data=data, content_type="application/json", **extra)


def test_patch_changes_the_workshops(api, token, programme):
    response = patch(
        api, f"/api/v1/registrations/{token}", {"workshops": [programme["small"].pk, programme["digital"].pk]}
    )

    assert response.status_code == 200
    assert [(w["id"], w["status"]) for w in response.json()["workshops"]] == [
        (programme["small"].pk, "booked"),
        (programme["digital"].pk, "booked"),
    ]
    assert programme["raad"].bookings.count() == 0


def test_patch_to_a_full_workshop_keeps_the_seat_and_reports_the_waitlist_position(
    api, token, programme, make_attendee
):
    for n in range(2, 4):
        make_attendee(n, programme["small"])
    body = patch(api, f"/api/v1/registrations/{token}", {"workshops": [programme["small"].pk]}).json()
    assert body["workshops"] == [
        {
            "id": programme["raad"].pk,
            "slug": "sterke-raad",
            "title": "Sterke Raad",
            "status": "booked",
            "position": None,
            "keeps_seat_in": None,
        },
        {
            "id": programme["small"].pk,
            "slug": "klein-gezelschap",
            "title": "Klein Gezelschap",
            "status": "waitlisted",
            "position": 1,
            "keeps_seat_in": programme["raad"].pk,
        },
    ]


@pytest.mark.parametrize(
    ("workshops", "field"),
    [("x", "workshops"), (["x"], "workshops"), ([999999], "workshops")],
)
def test_patch_bad_input_is_422_and_changes_nothing(api, token, programme, workshops, field):
    response = patch(api, f"/api/v1/registrations/{token}", {"workshops": workshops})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]
    assert list(Booking.objects.values_list("workshop_id", flat=True)) == [programme["raad"].pk]


def test_patch_two_in_a_round_is_422(api, token, programme):
    response = patch(
        api, f"/api/v1/registrations/{token}", {"workshops": [programme["raad"].pk, programme["small"].pk]}
    )
    assert (response.status_code, list(response.json()["errors"])) == (422, ["workshops"])


def test_delete_cancels_and_frees_the_seat(api, token, programme):
    response = api.delete(f"/api/v1/registrations/{token}")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["workshops"]) == ("cancelled", [])
    assert Registration.objects.get().status == "cancelled"
    assert api.delete(f"/api/v1/registrations/{token}").status_code == 200
    changed = patch(api, f"/api/v1/registrations/{token}", {"workshops": []})
    assert (changed.status_code, changed.json()["code"]) == (409, "registration_cancelled")


def test_unknown_token_is_404_for_every_method(api, programme):
    path = "/api/v1/registrations/bestaat-niet-1234567890abcdef"
    assert api.get(path).status_code == 404
    assert patch(api, path, {"workshops": []}).status_code == 404
    assert api.delete(path).status_code == 404


def csrf(client) -> str:
    client.get("/dashboard/")
    return client.cookies["csrftoken"].value


def test_organisers_move_a_workshop(staff_client, programme):
    small = programme["small"]
    response = patch(
        staff_client,
        f"/api/v1/workshops/{small.pk}",
        {"room": programme["rooms"]["b"].pk, "capacity": 25},
        HTTP_X_CSRFTOKEN=csrf(staff_client),
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["capacity"], body["sequence"], body["room"]["name"]) == (25, 1, "Zaal B")


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"capacity": 31}, 422, "capacity_exceeds_room"),
        ({"room": "groot"}, 422, "invalid"),
        ({"capacity": -1}, 422, "invalid"),
        ({"room": 999999}, 422, "invalid"),
        ({"round": 999999}, 422, "invalid"),
    ],
)
def test_workshop_change_errors(staff_client, programme, payload, status, code):
    small = programme["small"]
    response = patch(
        staff_client, f"/api/v1/workshops/{small.pk}", payload, HTTP_X_CSRFTOKEN=csrf(staff_client)
    )
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Workshop.objects.get(pk=small.pk).sequence == 0


def test_room_clash_is_409(staff_client, programme):
    response = patch(
        staff_client,
        f"/api/v1/workshops/{programme['small'].pk}",
        {"room": programme["rooms"]["a"].pk},
        HTTP_X_CSRFTOKEN=csrf(staff_client),
    )
    assert (response.status_code, response.json()["code"], list(response.json()["errors"])) == (
        409,
        "room_taken",
        ["room"],
    )


def test_only_organisers_change_workshops(api, scanner_headers, programme, staff_client):
    path = f"/api/v1/workshops/{programme['small'].pk}"
    assert patch(api, path, {"capacity": 3}).status_code == 401
    assert patch(api, path, {"capacity": 3}, **scanner_headers).status_code == 401
    assert patch(staff_client, path, {"capacity": 3}).status_code == 403  # no CSRF token
    assert (
        patch(
            staff_client, "/api/v1/workshops/999999", {"capacity": 3}, HTTP_X_CSRFTOKEN=csrf(staff_client)
        ).status_code
        == 404
    )


def test_organisers_cancel_a_workshop(staff_client, api, programme):
    response = staff_client.post(
        f"/api/v1/workshops/{programme['digital'].pk}/cancel", HTTP_X_CSRFTOKEN=csrf(staff_client)
    )
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert api.post(f"/api/v1/workshops/{programme['raad'].pk}/cancel").status_code == 401


def test_change_through_the_page(client, token, programme):
    first, second = programme["rounds"]["first"], programme["rounds"]["second"]
    response = client.post(
        f"/r/{token}/",
        {f"round-{first.pk}": str(programme["small"].pk), f"round-{second.pk}": str(programme["digital"].pk)},
    )
    assert response.status_code == 302 and response["Location"] == f"/r/{token}/?gewijzigd=1#status"
    assert sorted(Booking.objects.values_list("workshop_id", flat=True)) == sorted(
        [programme["small"].pk, programme["digital"].pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "Uw programma is gewijzigd" in page
    assert f'value="{programme["small"].pk}" checked' in page


def test_cancel_through_the_page_needs_confirmation(client, token, programme):
    assert "Ja, annuleer mijn aanmelding" in client.get(f"/r/{token}/annuleren/").content.decode()
    assert client.post(f"/r/{token}/annuleren/", {}).status_code == 200
    assert Registration.objects.get().status == "confirmed"
    response = client.post(f"/r/{token}/annuleren/", {"confirm": "yes"})
    assert response.status_code == 302
    assert Registration.objects.get().status == "cancelled"
    assert "Deze aanmelding is geannuleerd." in client.get(f"/r/{token}/").content.decode()


def test_admin_move_goes_through_the_service(staff_user, programme, django_user_model):
    from django.test import Client

    staff_user.is_superuser = True
    staff_user.save()
    admin = Client()
    admin.force_login(staff_user)
    small = programme["small"]
    data = {
        "round": small.round_id,
        "room": programme["rooms"]["a"].pk,
        "slug": small.slug,
        "title": small.title,
        "description": "",
        "theme": small.theme,
        "capacity": 2,
    }
    clash = admin.post(f"/admin/events/workshop/{small.pk}/change/", data)
    assert clash.status_code == 200 and "al in gebruik" in clash.content.decode()

    data["room"] = programme["rooms"]["hall"].pk
    data["capacity"] = 100
    moved = admin.post(f"/admin/events/workshop/{small.pk}/change/", data)
    assert moved.status_code == 302
    small.refresh_from_db()
    assert (small.room.name, small.capacity, small.sequence) == ("Grote Zaal", 100, 1)
