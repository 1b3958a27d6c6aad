"""The audit trail of the core: what each change records (who, through which door, before → after),
through the services, the API, the attendee's link and the admin; nothing of a change that was
rolled back; the admin's history page; and the admin's workshop save when the room is taken
between the form's check and the save."""

from datetime import UTC

import pytest
from django.contrib.admin.models import LogEntry
from django.db.models.signals import pre_save

from events import audit, services
from events.models import AuditEntry, Registration, Workshop
from tests.clock import at, dutch_date, event_day
from tests.factories import registration_payload
from tests.support import post_json, trail


def utc(moment) -> str:
    """How the trail stores a time: ISO 8601 in UTC."""
    return moment.astimezone(UTC).isoformat()


def patch(client, path, data, **extra):
    return client.patch(path, data=data, content_type="application/json", **extra)


def csrf(client) -> str:
    client.get("/dashboard/")
    return client.cookies["csrftoken"].value


def workshop_form(workshop: Workshop, **changes) -> dict:
    data = {
        "round": workshop.round_id,
        "room": workshop.room_id,
        "slug": workshop.slug,
        "title": workshop.title,
        "description": workshop.description,
        "theme": workshop.theme,
        "capacity": workshop.capacity,
    }
    return {**data, **changes}


# Where an entry comes from


@pytest.mark.parametrize(
    ("path", "door"),
    [
        ("/admin/events/workshop/1/change/", "admin"),
        ("/api/v1/workshops/1", "api"),
        ("/api/v1/registrations/abc", "api"),
        ("/api/v1/checkin/redeem", "scanner"),
        ("/api/v1/checkin/scanner", "scanner"),
        ("/dashboard/apparaten/", "dashboard"),
        ("/scan/", "scanner"),
        ("/r/abc/annuleren/", "attendee"),
        ("/aanmelden/", "site"),
        ("/netwerk/", "site"),
    ],
)
def test_the_door_is_read_from_the_path(path, door):
    assert audit.door_of(path) == door


def test_outside_a_request_the_command_line_acts(make_attendee, programme):
    registration = make_attendee(1, programme["raad"], programme["digital"])

    entry = AuditEntry.objects.get()
    assert trail() == [
        (
            "registration.created",
            str(registration),
            "shell",
            "",
            {"workshops": [[], ["Sterke Raad", "Digitale Participatie"]]},
        )
    ]
    assert (entry.event_id, entry.user_id, entry.device_id) == (registration.event_id, None, None)
    assert (entry.content_type.model, entry.object_id) == ("registration", str(registration.pk))


def test_acting_names_the_user_and_door_of_everything_inside(make_attendee, programme, staff_user):
    with audit.acting(door="dashboard", user=staff_user):
        services.cancel_workshop(programme["small"])
    services.cancel_workshop(programme["raad"])

    assert trail() == [
        (
            "workshop.cancelled",
            "Klein Gezelschap",
            "dashboard",
            "organisator",
            {"status": ["scheduled", "cancelled"]},
        ),
        ("workshop.cancelled", "Sterke Raad", "shell", "", {"status": ["scheduled", "cancelled"]}),
    ]
    assert AuditEntry.objects.filter(user=staff_user).count() == 1


# The organisers' API


def test_moving_a_workshop_through_the_api_records_before_and_after(staff_client, staff_user, programme):
    raad = programme["raad"]
    response = patch(
        staff_client,
        f"/api/v1/workshops/{raad.pk}",
        {"room": programme["rooms"]["hall"].pk, "capacity": 25},
        HTTP_X_CSRFTOKEN=csrf(staff_client),
    )

    assert response.status_code == 200
    assert trail() == [
        (
            "workshop.moved",
            "Sterke Raad",
            "api",
            "organisator",
            {"room": ["Zaal A", "Grote Zaal"], "capacity": [40, 25]},
        )
    ]
    entry = AuditEntry.objects.get()
    assert (entry.user, entry.event_id, entry.data) == (staff_user, raad.round.event_id, {})


def test_a_larger_capacity_records_who_got_a_seat_from_the_waitlist(staff_client, make_attendee, programme):
    small = programme["small"]
    for n in range(1, 4):
        make_attendee(n, small)  # the third is waitlisted
    AuditEntry.objects.all().delete()

    patch(staff_client, f"/api/v1/workshops/{small.pk}", {"capacity": 3}, HTTP_X_CSRFTOKEN=csrf(staff_client))

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.changes, entry.data) == (
        "workshop.capacity_changed",
        {"capacity": [2, 3]},
        {"promoted": 1},
    )


def test_a_refused_change_leaves_no_entry(staff_client, programme):
    small = programme["small"]
    response = patch(
        staff_client, f"/api/v1/workshops/{small.pk}", {"capacity": 31}, HTTP_X_CSRFTOKEN=csrf(staff_client)
    )

    assert (response.status_code, response.json()["code"]) == (422, "capacity_exceeds_room")
    assert trail() == []


def test_a_change_that_changes_nothing_is_not_recorded(staff_client, programme):
    small = programme["small"]
    patch(staff_client, f"/api/v1/workshops/{small.pk}", {"capacity": 2}, HTTP_X_CSRFTOKEN=csrf(staff_client))
    assert trail() == []


def test_cancelling_a_workshop_through_the_api(staff_client, make_attendee, programme):
    small = programme["small"]
    make_attendee(1, small)
    AuditEntry.objects.all().delete()

    staff_client.post(f"/api/v1/workshops/{small.pk}/cancel", HTTP_X_CSRFTOKEN=csrf(staff_client))

    assert trail() == [
        (
            "workshop.cancelled",
            "Klein Gezelschap",
            "api",
            "organisator",
            {"status": ["scheduled", "cancelled"]},
        )
    ]
    assert AuditEntry.objects.get().data == {"told": 1}


# Attendees themselves


def test_attendees_are_recorded_through_the_api_and_their_link(api, client, programme):
    created = post_json(api, "/api/v1/registrations", registration_payload(workshops=[programme["raad"].pk]))
    token = created.json()["manage_url"].rstrip("/").rsplit("/", 1)[1]
    registration = Registration.objects.get()

    patch(
        api, f"/api/v1/registrations/{token}", {"workshops": [programme["small"].pk, programme["digital"].pk]}
    )
    client.post(f"/r/{token}/", {f"round-{programme['rounds']['first'].pk}": programme["raad"].pk})
    client.post(f"/r/{token}/annuleren/", {"confirm": "yes"})

    name = str(registration)
    assert trail() == [
        ("registration.created", name, "api", "", {"workshops": [[], ["Sterke Raad"]]}),
        (
            "registration.workshops_changed",
            name,
            "api",
            "",
            {"workshops": [["Sterke Raad"], ["Klein Gezelschap", "Digitale Participatie"]]},
        ),
        (
            "registration.workshops_changed",
            name,
            "attendee",
            "",
            {"workshops": [["Klein Gezelschap", "Digitale Participatie"], ["Sterke Raad"]]},
        ),
        ("registration.cancelled", name, "attendee", "", {"status": ["confirmed", "cancelled"]}),
    ]


def test_the_registration_page_is_the_public_website(client, event, programme):
    client.post(
        "/aanmelden/",
        {
            **registration_payload(),
            "privacy": "on",
            f"round-{programme['rounds']['first'].pk}": programme["raad"].pk,
        },
    )
    assert [(action, door) for action, _name, door, _actor, _changes in trail()] == [
        ("registration.created", "site")
    ]


# The admin


def test_the_admin_records_the_fields_it_changed(organiser_admin, make_attendee, programme):
    registration = make_attendee(1, first_name="Anna", needs="")
    AuditEntry.objects.all().delete()
    data = {
        "event": registration.event_id,
        "first_name": "Anne",
        "last_name": registration.last_name,
        "email": registration.email,
        "role": "wethouder",
        "municipality": registration.municipality_id,
        "organisation": "",
        "needs": "Rolstoel",
        "language": "nl",
        "interests": "[]",
        "talk_about": "",
        "bookings-TOTAL_FORMS": 0,
        "bookings-INITIAL_FORMS": 0,
    }

    response = organiser_admin.post(f"/admin/events/registration/{registration.pk}/change/", data)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert trail() == [
        (
            "registration.changed",
            str(registration),
            "admin",
            "organisator",
            {"first_name": ["Anna", "Anne"], "role": ["raadslid", "wethouder"], "needs": ["", "Rolstoel"]},
        )
    ]


def test_the_admin_records_a_new_room_and_its_deletion(organiser_admin, event):
    added = organiser_admin.post(
        "/admin/events/room/add/", {"event": event.pk, "name": "Zaal C", "capacity": 20, "directions": ""}
    )
    assert added.status_code == 302
    room = event.rooms.get(name="Zaal C")
    organiser_admin.post(f"/admin/events/room/{room.pk}/delete/", {"post": "yes"})

    assert trail() == [
        (
            "room.created",
            "Zaal C",
            "admin",
            "organisator",
            {"event": [None, event.name], "name": [None, "Zaal C"], "capacity": [None, 20]},
        ),
        ("room.deleted", "Zaal C", "admin", "organisator", {}),
    ]


def test_moving_in_the_admin_is_the_services_entry_and_the_rest_the_admins(organiser_admin, programme):
    small = programme["small"]
    data = workshop_form(small, room=programme["rooms"]["hall"].pk, capacity=100, title="Groot Gezelschap")

    response = organiser_admin.post(f"/admin/events/workshop/{small.pk}/change/", data)

    assert response.status_code == 302
    assert trail() == [
        (
            "workshop.moved",
            "Groot Gezelschap",
            "admin",
            "organisator",
            {"room": ["Zaal B", "Grote Zaal"], "capacity": [2, 100]},
        ),
        (
            "workshop.changed",
            "Groot Gezelschap",
            "admin",
            "organisator",
            {"title": ["Klein Gezelschap", "Groot Gezelschap"]},
        ),
    ]


def test_new_times_for_a_round_in_the_admin(organiser_admin, programme):
    first = programme["rounds"]["first"]
    data = {
        "event": first.event_id,
        "label": "Eerste ronde",
        "kind": "workshops",
        "starts_at_0": event_day().isoformat(),
        "starts_at_1": "11:15",
        "ends_at_0": event_day().isoformat(),
        "ends_at_1": "12:15",
    }

    response = organiser_admin.post(f"/admin/events/round/{first.pk}/change/", data)

    assert response.status_code == 302
    assert trail() == [
        (
            "round.rescheduled",
            "Eerste ronde",
            "admin",
            "organisator",
            {
                "starts_at": [utc(at(11)), utc(at(11, 15))],
                "ends_at": [utc(at(12)), utc(at(12, 15))],
            },
        ),
        ("round.changed", "Eerste ronde", "admin", "organisator", {"label": ["Ronde 1", "Eerste ronde"]}),
    ]
    assert first.starts_at == at(11)


def test_the_admin_history_page_shows_the_trail_in_amsterdam_time(organiser_admin, staff_client, programme):
    small = programme["small"]
    patch(
        staff_client,
        f"/api/v1/workshops/{small.pk}",
        {"room": programme["rooms"]["hall"].pk, "capacity": 3},
        HTTP_X_CSRFTOKEN=csrf(staff_client),
    )
    AuditEntry.objects.update(at=at(9, 30))

    page = organiser_admin.get(f"/admin/events/workshop/{small.pk}/history/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Workshop verplaatst" in html
    assert f"{dutch_date(event_day())} 09:30:00" in html
    assert "<del>Zaal B</del>" in html and "<ins>Grote Zaal</ins>" in html
    assert ">organisator<" in html and ">API<" in html


# The admin's workshop save and a room taken meanwhile


def test_a_room_taken_between_the_forms_check_and_the_save_is_a_form_error(organiser_admin, programme):
    """The form finds the hall free in round 1; before the service moves the workshop there, another
    workshop takes it (inserted when the admin saves the workshop's other fields, as a concurrent
    request would). The service refuses under its lock: the form comes back with its message at the
    room, nothing of the save remains (not the new title either), and nothing is in the histories."""
    small, hall = programme["small"], programme["rooms"]["hall"]
    first = programme["rounds"]["first"]

    def someone_else_takes_the_hall(sender, instance, **kwargs):
        if instance.pk == small.pk and not Workshop.objects.filter(slug="bezet").exists():
            Workshop.objects.create(slug="bezet", title="Bezet", round=first, room=hall, capacity=10)

    pre_save.connect(someone_else_takes_the_hall, sender=Workshop)
    try:
        response = organiser_admin.post(
            f"/admin/events/workshop/{small.pk}/change/",
            workshop_form(small, room=hall.pk, capacity=100, title="Groot Gezelschap"),
        )
    finally:
        pre_save.disconnect(someone_else_takes_the_hall, sender=Workshop)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"room": ["Grote Zaal is in deze ronde al in gebruik door “Bezet”."]}
    small.refresh_from_db()
    assert (small.title, small.room, small.capacity, small.sequence) == (
        "Klein Gezelschap",
        programme["rooms"]["b"],
        2,
        0,
    )
    assert not Workshop.objects.filter(slug="bezet").exists()
    assert (trail(), LogEntry.objects.count()) == ([], 0)
