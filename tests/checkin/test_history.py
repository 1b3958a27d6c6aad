"""The audit trail at the doors (scanner devices as actors, the devices' own changes) and the
organisers' history page: its filters, its pages, and who may see it."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from checkin.models import Device
from checkin.services import create_device, new_pairing_code, set_door
from checkin.views import HISTORY_PAGE_SIZE
from events import audit, services
from events.models import AuditEntry
from tests.clock import at, dutch_date, event_day
from tests.support import post_json, trail

HISTORY = "/dashboard/geschiedenis/"
DEVICES = "/dashboard/apparaten/"


def csrf_of(client) -> str:
    client.get(DEVICES)
    return client.cookies["csrftoken"].value


# The doors


def test_a_device_is_the_actor_of_what_its_token_changes(
    api, scanner, scanner_headers, make_attendee, programme
):
    device, _token = scanner
    small = programme["small"]
    small.allow_walk_ins = True
    small.save()
    attendee = make_attendee(1, programme["raad"])
    AuditEntry.objects.all().delete()

    api.patch(
        "/api/v1/checkin/scanner", {"workshop": small.pk}, content_type="application/json", **scanner_headers
    )
    walked_in = post_json(
        api,
        "/api/v1/checkin/redeem",
        {"secret": attendee.badge_secret, "workshop": small.pk},
        **scanner_headers,
    )

    assert walked_in.json()["status"] == "ok"
    assert trail() == [
        (
            "device.door_changed",
            "Ingang noord",
            "scanner",
            "Ingang noord",
            {"workshop": [None, "Klein Gezelschap"]},
        ),
        (
            "registration.walked_in",
            str(attendee),
            "scanner",
            "Ingang noord",
            {"workshops": [["Sterke Raad"], ["Klein Gezelschap"]]},
        ),
    ]
    assert list(AuditEntry.objects.order_by().values_list("device_id", "user_id").distinct()) == [
        (device.pk, None)
    ]


def test_plain_check_ins_are_left_to_the_scan_log(api, scanner_headers, make_attendee):
    attendee = make_attendee(1)
    AuditEntry.objects.all().delete()

    post_json(api, "/api/v1/checkin/redeem", {"secret": attendee.badge_secret}, **scanner_headers)
    post_json(api, "/api/v1/checkin/undo", {"secret": attendee.badge_secret}, **scanner_headers)

    assert trail() == []


def test_the_life_of_a_device_on_the_dashboard_and_the_scanner(staff_client, api, event, programme):
    token = csrf_of(staff_client)
    staff_client.post(
        DEVICES, {"name": "Zaal A", "workshop": programme["raad"].pk, "csrfmiddlewaretoken": token}
    )
    device = Device.objects.get()
    code = new_pairing_code(device)[1]  # as the dashboard shows it (already in the trail once above)
    post_json(api, "/api/v1/checkin/pair", {"code": code})
    staff_client.post(
        f"{DEVICES}{device.pk}/deur/", {f"d{device.pk}-workshop": "", "csrfmiddlewaretoken": token}
    )
    staff_client.post(f"{DEVICES}{device.pk}/intrekken/", {"csrfmiddlewaretoken": token})
    staff_client.post(
        f"{DEVICES}{device.pk}/intrekken/", {"csrfmiddlewaretoken": token}
    )  # twice: once in the trail

    device.refresh_from_db()
    assert [entry[:4] for entry in trail()] == [
        ("device.created", "Zaal A", "dashboard", "organisator"),
        ("device.pairing_code_issued", "Zaal A", "dashboard", "organisator"),
        ("device.pairing_code_issued", "Zaal A", "shell", ""),
        ("device.paired", "Zaal A", "scanner", ""),
        ("device.door_changed", "Zaal A", "dashboard", "organisator"),
        ("device.revoked", "Zaal A", "dashboard", "organisator"),
    ]
    changes = [entry[4] for entry in trail()]
    assert changes[0] == {"name": [None, "Zaal A"], "kind": [None, "scanner"], "workshop": [None, "Sterke Raad"]}
    assert changes[3] == {"paired_at": [None, audit.json_value(device.paired_at)]}
    assert changes[4] == {"workshop": ["Sterke Raad", None]}
    assert changes[5] == {"revoked_at": [None, audit.json_value(device.revoked_at)]}


# The history page


@pytest.fixture
def day(event, programme, make_attendee, staff_user, scanner):
    """Entries by the command line (a registration), an organiser on the dashboard (a cancelled
    workshop) and a device (its door), on two days."""
    AuditEntry.objects.all().delete()  # the scanner's creation
    registration = make_attendee(1, programme["raad"])
    with audit.acting(door="dashboard", user=staff_user):
        services.cancel_workshop(programme["small"])
    with audit.acting(door="scanner", device=scanner[0]):
        set_door(scanner[0], programme["digital"])
    AuditEntry.objects.filter(action="registration.created").update(at=at(9, 0, days=-1))
    AuditEntry.objects.exclude(action="registration.created").update(at=at(10, 5))
    return {"registration": registration, "device": scanner[0], "workshop": programme["small"]}


def shown_actions(response) -> list[str]:
    return re.findall(r'<p class="history-head">.*?<strong>(.*?)</strong>', response.content.decode())


def test_the_history_is_for_organisers_only(api, event, scanner_headers, django_user_model):
    assert api.get(HISTORY).status_code == 302
    assert api.get(HISTORY)["Location"].startswith("/admin/login/")
    assert api.get(HISTORY, **scanner_headers).status_code == 302  # a scanner's token opens no page
    api.force_login(django_user_model.objects.create_user("bezoeker", password="x"))
    assert api.get(HISTORY).status_code == 302


def test_the_history_lists_every_entry_newest_first_in_amsterdam_time(staff_client, day):
    response = staff_client.get(HISTORY)

    html = response.content.decode()
    assert response.status_code == 200
    assert shown_actions(response) == ["Deur gewijzigd", "Workshop geannuleerd", "Aangemeld"]
    assert "3 wijzigingen" in html
    assert f'<time datetime="{at(10, 5).isoformat()}">{dutch_date(event_day())} 10:05:00</time>' in html
    assert "Door organisator, via dashboard" in html
    assert "Door Ingang noord, via scanner" in html
    assert "Door systeem, via opdrachtregel" in html
    assert "<del>—</del>" in html and "<ins>Digitale Participatie</ins>" in html
    assert f'<a href="/admin/events/workshop/{day["workshop"].pk}/change/">Klein Gezelschap</a>' in html
    assert 'href="/dashboard/"' in html


@pytest.mark.parametrize(
    ("query", "actions"),
    [
        ("action=workshop.cancelled", ["Workshop geannuleerd"]),
        ("door=scanner", ["Deur gewijzigd"]),
        ("door=shell", ["Aangemeld"]),
        ("actor=nobody", ["Aangemeld"]),
        (f"since={event_day()}", ["Deur gewijzigd", "Workshop geannuleerd"]),
        (f"until={event_day(-1)}", ["Aangemeld"]),
        (f"since={event_day(-1)}&until={event_day(-1)}", ["Aangemeld"]),
        (f"since={event_day(1)}", []),
    ],
)
def test_the_history_filters(staff_client, day, query, actions):
    response = staff_client.get(f"{HISTORY}?{query}")
    assert (response.status_code, shown_actions(response)) == (200, actions)


def test_the_history_filters_by_kind_and_actor(staff_client, day, staff_user):
    form = staff_client.get(HISTORY).context["form"]
    kinds = dict(form.fields["kind"].choices)
    actors = dict(form.fields["actor"].choices)
    assert sorted(str(label) for label in kinds.values()) == [
        "Aanmelding",
        "Alle soorten",
        "Scanapparaat",
        "Workshop",
    ]
    assert actors[f"user:{staff_user.pk}"] == "organisator"
    assert actors[f"device:{day['device'].pk}"] == "Ingang noord"

    workshop_kind = next(value for value, label in kinds.items() if label == "Workshop")
    assert shown_actions(staff_client.get(f"{HISTORY}?kind={workshop_kind}")) == ["Workshop geannuleerd"]
    assert shown_actions(staff_client.get(f"{HISTORY}?actor=user:{staff_user.pk}")) == [
        "Workshop geannuleerd"
    ]
    assert shown_actions(staff_client.get(f"{HISTORY}?actor=device:{day['device'].pk}")) == ["Deur gewijzigd"]


@pytest.mark.parametrize(
    "query", ["action=bestaat.niet", "door=achterdeur", "since=gisteren", "actor=user:0"]
)
def test_a_bad_filter_is_a_field_error(staff_client, day, query):
    response = staff_client.get(f"{HISTORY}?{query}")
    assert response.status_code == 422
    assert 'class="field-error"' in response.content.decode()


def test_the_history_comes_in_pages(staff_client, event, programme):
    for minutes in range(HISTORY_PAGE_SIZE + 5):
        create_device(event=event, name=f"Deur {minutes:02}")
        AuditEntry.objects.filter(object_repr=f"Deur {minutes:02}").update(
            at=timezone.now() - timedelta(minutes=100 - minutes)
        )

    first = staff_client.get(f"{HISTORY}?door=shell")
    second = staff_client.get(f"{HISTORY}?door=shell&page=2")

    assert len(shown_actions(first)) == HISTORY_PAGE_SIZE
    assert len(shown_actions(second)) == 5
    assert 'href="?door=shell&amp;page=2" rel="next"' in first.content.decode()
    assert 'href="?door=shell&amp;page=1" rel="prev"' in second.content.decode()
    assert "Deur 00" in second.content.decode() and "Deur 54" in first.content.decode()


def test_the_dashboard_and_the_admin_link_to_the_history(staff_client, staff_user, event):
    staff_user.is_superuser = True
    staff_user.save()
    assert f'href="{HISTORY}"' in staff_client.get("/dashboard/").content.decode()
    assert f'href="{HISTORY}"' in staff_client.get("/admin/").content.decode()
