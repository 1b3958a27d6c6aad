"""Announcements on scanner phones: `GET /api/v1/checkin/announcements` answers a paired device
with those for everyone and for its door (its room's workshops, the workshop it checks), an
organiser with all of them; withdrawn and expired ones are gone."""

from datetime import timedelta

from django.utils import timezone

from checkin.services import create_device, revoke_device
from events.announcements import services
from tests.clock import at

ANNOUNCEMENTS = "/api/v1/checkin/announcements"


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def texts(response) -> list[str]:
    assert response.status_code == 200
    return [announcement["text"] for announcement in response.json()]


def post(event, text, workshop=None, **fields):
    return services.post_announcement(event, text=text, workshop=workshop, **fields)


def test_a_room_door_hears_everyones_and_its_rooms_announcements(api, event, programme, time_machine):
    time_machine.move_to(at(10, 50), tick=False)  # the door of Zaal A checks round 1's "raad"
    _door, token = create_device(event=event, name="Deur Zaal A", room=programme["rooms"]["a"])
    post(event, "Lunch om half een.")
    post(event, "Raad begint later.", programme["raad"])
    post(event, "Digitaal verplaatst naar zaal 5.", programme["digital"])  # Zaal A, round 2
    post(event, "Klein gezelschap is vol.", programme["small"])  # Zaal B

    answer = api.get(ANNOUNCEMENTS, **bearer(token))

    assert texts(answer) == ["Digitaal verplaatst naar zaal 5.", "Raad begint later.", "Lunch om half een."]
    assert answer.json()[1]["workshop_title"] == programme["raad"].title


def test_the_entrance_hears_only_the_announcements_for_everyone(api, event, programme, scanner_headers):
    post(event, "Lunch om half een.")
    post(event, "Klein gezelschap is vol.", programme["small"])

    assert texts(api.get(ANNOUNCEMENTS, **scanner_headers)) == ["Lunch om half een."]


def test_a_door_overridden_to_another_rooms_workshop_hears_that_one(api, event, programme, time_machine):
    time_machine.move_to(at(10, 50), tick=False)
    _door, token = create_device(event=event, name="Deur Zaal A", room=programme["rooms"]["a"])
    api.patch(
        "/api/v1/checkin/scanner",
        data={"workshop": programme["small"].pk},
        content_type="application/json",
        **bearer(token),
    )
    post(event, "Klein gezelschap is vol.", programme["small"])

    assert texts(api.get(ANNOUNCEMENTS, **bearer(token))) == ["Klein gezelschap is vol."]


def test_withdrawn_and_expired_announcements_are_gone(api, event, programme, scanner_headers, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    withdrawn = post(event, "Vergissing.")
    post(event, "Kort.", expires_at=now + timedelta(minutes=10))
    post(event, "Lang.", expires_at=now + timedelta(hours=1))
    services.withdraw_announcement(event, withdrawn.pk)
    assert texts(api.get(ANNOUNCEMENTS, **scanner_headers)) == ["Lang.", "Kort."]

    time_machine.move_to(now + timedelta(minutes=11), tick=False)

    assert texts(api.get(ANNOUNCEMENTS, **scanner_headers)) == ["Lang."]


def test_an_organiser_hears_every_announcement(staff_client, event, programme):
    post(event, "Lunch om half een.")
    post(event, "Klein gezelschap is vol.", programme["small"])

    assert texts(staff_client.get(ANNOUNCEMENTS)) == ["Klein gezelschap is vol.", "Lunch om half een."]


def test_without_a_token_or_with_a_revoked_one_the_answer_is_401(api, event, scanner, scanner_headers):
    assert api.get(ANNOUNCEMENTS).status_code == 401
    revoke_device(scanner[0])
    response = api.get(ANNOUNCEMENTS, **scanner_headers)
    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")
