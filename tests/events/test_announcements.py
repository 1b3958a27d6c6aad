"""Live announcements: the service, `POST /api/v1/announcements`, `DELETE /api/v1/announcements/{id}`,
the banner on page load, and the audit trail."""

from datetime import UTC, timedelta

import pytest
import time_machine
from django.utils import timezone

from events.announcements import services
from events.announcements.models import Announcement
from events.models import AuditEntry
from tests import factories
from tests.support import post_json, trail


def csrf(client) -> str:
    client.get("/dashboard/")
    return client.cookies["csrftoken"].value


def post(client, data):
    return post_json(client, "/api/v1/announcements", data, HTTP_X_CSRFTOKEN=csrf(client))


def test_an_organiser_posts_an_announcement_for_everyone(staff_client, event):
    before = timezone.now()

    response = post(staff_client, {"text": "  Zaal 3 is vol:\n ga naar zaal 5.  "})

    assert response.status_code == 201
    body = response.json()
    announcement = Announcement.objects.get()
    assert (body["id"], body["text"], body["workshop"], body["withdrawn_at"]) == (
        announcement.pk,
        "Zaal 3 is vol: ga naar zaal 5.",
        None,
        None,
    )
    assert (
        before + services.DEFAULT_DURATION
        <= announcement.expires_at
        <= timezone.now() + services.DEFAULT_DURATION
    )
    assert announcement.created_by.username == "organisator"
    assert trail(action="announcement.posted") == [
        (
            "announcement.posted",
            "Zaal 3 is vol: ga naar zaal 5.",
            "api",
            "organisator",
            {
                "text": [None, "Zaal 3 is vol: ga naar zaal 5."],
                "expires_at": [None, announcement.expires_at.astimezone(UTC).isoformat()],
            },
        )
    ]


def test_an_announcement_for_one_workshop_names_it(staff_client, programme):
    workshop = programme["small"]
    expires_at = timezone.now() + timedelta(minutes=30)

    response = post(
        staff_client,
        {"text": "Verplaatst naar zaal 5", "workshop": workshop.pk, "expires_at": expires_at.isoformat()},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["workshop"], body["workshop_title"]) == (workshop.pk, workshop.title)
    assert Announcement.objects.get().expires_at == expires_at


def moment(**delta) -> str:
    return (timezone.now() + timedelta(**delta)).isoformat()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (lambda: {"text": ""}, "text"),
        (lambda: {"text": "   \n "}, "text"),
        (lambda: {"text": "x" * 281}, "text"),
        (lambda: {"text": "Hallo", "workshop": 999999}, "workshop"),
        (lambda: {"text": "Hallo", "expires_at": moment(minutes=-1)}, "expires_at"),
        (lambda: {"text": "Hallo", "expires_at": moment(days=3)}, "expires_at"),
    ],
)
def test_bad_announcements_are_422_and_store_nothing(staff_client, programme, payload, field):
    response = post(staff_client, payload())

    assert response.status_code == 422
    assert (response.json()["code"], list(response.json()["errors"])) == ("invalid", [field])
    assert (
        Announcement.objects.count(),
        AuditEntry.objects.filter(action__startswith="announcement").count(),
    ) == (0, 0)


def test_a_workshop_of_another_edition_is_refused(event, programme, municipalities):
    other = factories.create_event(slug="vorig-jaar")
    with pytest.raises(services.InvalidInput) as refused:
        services.post_announcement(other, text="Hallo", workshop=programme["small"])
    assert list(refused.value.errors) == ["workshop"]


def test_only_organisers_post_and_withdraw(api, staff_client, scanner_headers, event):
    assert post_json(api, "/api/v1/announcements", {"text": "Hallo"}).status_code == 401
    assert post_json(api, "/api/v1/announcements", {"text": "Hallo"}, **scanner_headers).status_code == 401
    assert (
        post_json(staff_client, "/api/v1/announcements", {"text": "Hallo"}).status_code == 403
    )  # no CSRF token
    announcement = services.post_announcement(event, text="Hallo")
    assert api.delete(f"/api/v1/announcements/{announcement.pk}").status_code == 401
    assert Announcement.objects.get().withdrawn_at is None


def test_withdrawing_takes_it_off_and_is_logged_once(staff_client, event):
    announcement = services.post_announcement(event, text="Koffie staat klaar")
    token = csrf(staff_client)

    first = staff_client.delete(f"/api/v1/announcements/{announcement.pk}", HTTP_X_CSRFTOKEN=token)
    again = staff_client.delete(f"/api/v1/announcements/{announcement.pk}", HTTP_X_CSRFTOKEN=token)
    unknown = staff_client.delete("/api/v1/announcements/999999", HTTP_X_CSRFTOKEN=token)

    assert (first.status_code, again.status_code, unknown.status_code) == (204, 204, 404)
    assert Announcement.objects.get().withdrawn_at is not None
    assert [action for action, *_ in trail(action__startswith="announcement")] == [
        "announcement.posted",
        "announcement.withdrawn",
    ]
    assert staff_client.get("/api/v1/announcements").json() == []


def test_an_announcement_of_another_edition_is_not_withdrawn_from_this_one(staff_client, event):
    last_year = factories.create_event(slug="dld-vorig-jaar", date=event.date - timedelta(days=365))
    old = services.post_announcement(last_year, text="Vorig jaar")

    answer = staff_client.delete(f"/api/v1/announcements/{old.pk}", HTTP_X_CSRFTOKEN=csrf(staff_client))

    assert answer.status_code == 404
    assert Announcement.objects.get().withdrawn_at is None


def test_the_active_ones_show_on_page_load_until_they_expire(api, event):
    services.post_announcement(
        event, text="Lunch in de foyer <b>nu</b>", expires_at=timezone.now() + timedelta(minutes=10)
    )
    withdrawn = services.post_announcement(event, text="Ingetrokken bericht")
    services.withdraw_announcement(event, withdrawn.pk)

    page = api.get("/").content.decode()

    assert "Lunch in de foyer &lt;b&gt;nu&lt;/b&gt;" in page
    assert "<b>nu</b>" not in page
    assert "Ingetrokken bericht" not in page
    assert [a["text"] for a in api.get("/api/v1/announcements").json()] == ["Lunch in de foyer <b>nu</b>"]
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert "Lunch in de foyer" not in api.get("/").content.decode()
        assert api.get("/api/v1/announcements").json() == []


def test_the_organisers_page_posts_and_withdraws(staff_client, api, programme, event):
    page = staff_client.get("/dashboard/mededelingen/")
    assert page.status_code == 200
    token = staff_client.cookies["csrftoken"].value

    posted = staff_client.post(
        "/dashboard/mededelingen/",
        {
            "text": "Zaal 3 is vol",
            "workshop": programme["small"].pk,
            "minutes": "30",
            "csrfmiddlewaretoken": token,
        },
    )

    assert (posted.status_code, posted["Location"]) == (302, "/dashboard/mededelingen/")
    announcement = Announcement.objects.get()
    assert (announcement.text, announcement.workshop, announcement.created_by.username) == (
        "Zaal 3 is vol",
        programme["small"],
        "organisator",
    )
    assert timedelta(minutes=29) < announcement.expires_at - announcement.created_at <= timedelta(minutes=30)
    assert f"{programme['small'].title}:</strong> Zaal 3 is vol" in api.get("/").content.decode()

    withdrawn = staff_client.post(
        f"/dashboard/mededelingen/{announcement.pk}/intrekken/", {"csrfmiddlewaretoken": token}
    )

    assert withdrawn.status_code == 302
    assert "Zaal 3 is vol" not in api.get("/").content.decode()
    assert [(action, door) for action, _object, door, *_ in trail(action__startswith="announcement")] == [
        ("announcement.posted", "dashboard"),
        ("announcement.withdrawn", "dashboard"),
    ]


def test_the_organisers_page_refuses_bad_input_and_strangers(staff_client, api, event):
    staff_client.get("/dashboard/mededelingen/")
    token = staff_client.cookies["csrftoken"].value

    empty = staff_client.post(
        "/dashboard/mededelingen/", {"text": " ", "minutes": "30", "csrfmiddlewaretoken": token}
    )
    odd = staff_client.post(
        "/dashboard/mededelingen/", {"text": "Hallo", "minutes": "7", "csrfmiddlewaretoken": token}
    )

    assert (empty.status_code, odd.status_code) == (422, 422)
    assert Announcement.objects.count() == 0
    assert api.get("/dashboard/mededelingen/").status_code == 302  # to the login
    assert api.post("/dashboard/mededelingen/", {"text": "Hallo", "minutes": "30"}).status_code == 302
    assert Announcement.objects.count() == 0
