"""manage.py export_event / import_event: a complete JSON of the day that restores, ids and
secrets included, into an empty database, where badges, private links and scanners still work."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from checkin.models import CheckIn
from checkin.services import authenticate_device, create_device, new_pairing_code, redeem
from events import audit, backup, demo, services
from events.models import AuditEntry, Booking, Event, Municipality, OutboundEmail, Registration, Workshop
from events.room import services as room
from networking import services as networking
from networking.models import Intake, MeetingSlot, Offer, SignupContact
from tests.mail_backends import FAILING

pytestmark = pytest.mark.django_db(transaction=True)


def export(path, *args) -> dict:
    call_command("export_event", "--output", str(path), *args)
    return json.loads(path.read_text(encoding="utf-8"))


DEMO_PASSWORD = "demo-in-de-test"


@pytest.fixture
def day(settings, django_user_model, monkeypatch):
    """The demo day with 40 attendees, then what happens on it: check-ins at the entrance and at a
    door, a cancelled workshop, signups with two contacts, connect codes and contacts, a paired
    scanner, mails sent and mails still waiting (the mail server failed)."""
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    event, _summary = demo.seed_day()
    demo.seed_attendees(event, 40)
    organiser = django_user_model.objects.get(username=demo.STAFF_USERNAME)
    people = list(Registration.objects.filter(event=event).order_by("pk"))

    device, device_token = create_device(event=event, name="Ingang noord", created_by=organiser)
    new_pairing_code(device)
    for person in people[:20]:
        redeem(event=event, secret=person.badge_secret, device=device)
    booked = Booking.objects.filter(registration__in=people[:20], status=Booking.Status.BOOKED).first()
    redeem(event=event, secret=booked.registration.badge_secret, device=device, workshop=booked.workshop)
    redeem(event=event, reference=people[21].reference, user=organiser)

    cancelled = (
        Workshop.objects.filter(round__event=event, bookings__status=Booking.Status.BOOKED)
        .exclude(pk=booked.workshop_id)
        .first()
    )
    with audit.acting(door="dashboard", user=organiser):  # in the audit trail with its organiser
        services.cancel_workshop(cancelled)  # mails sent (inline, to the test's mailbox)

    offers = list(Offer.objects.filter(event=event).order_by("position")[:2])
    municipality = Municipality.objects.get(code="GM0307")  # Amersfoort
    networking.sign_up(
        event=event,
        municipality=municipality,
        contact_name="Kees",
        contact_email="kees@x.example",
        offers=offers,
    )
    networking.sign_up(
        event=event,
        municipality=municipality,
        contact_name="Ans",
        contact_email="ans@x.example",
        offers=offers[:1],
    )

    networking.update_directory_profile(
        people[30], directory_opt_in=True, interests=["inwoners-betrekken"], talk_about="Wijkbudgetten"
    )
    code = networking.connect_code_for(people[31])
    contact = networking.request_contact(requester=people[30], secret=code.secret, note="Koffie?")
    networking.accept_contact(registration=people[31], contact_id=contact.pk)
    networking.request_contact(requester=people[32], secret=networking.connect_code_for(people[30]).secret)
    # An adviser's intake with the municipality, booked by its signup contact.
    Intake.objects.create(
        slot=MeetingSlot.objects.filter(event=event).order_by("starts_at").first(),
        adviser=people[33],
        municipality=municipality,
        booked_by_contact=SignupContact.objects.filter(email="kees@x.example").first(),
        booker_name="Kees",
    )

    # Polls and questions in a session: a closed poll with its result, an open one, a moderated
    # question with support, and the session's moderator link.
    session = Workshop.objects.filter(round__event=event, status="scheduled").first()
    _room, moderator_token = room.new_moderator_token(session)
    closed = room.open_poll(room.create_poll(session, question="Welke?", kind="single", options=["A", "B"]))
    room.vote(people[1], closed, [1])
    room.close_poll(closed)
    room.vote(people[2], room.open_poll(room.create_poll(session, question="Woord?", kind="words")), ["raad"])
    question = room.moderate(room.ask(people[3], session, text="Hoe?", show_name=True), "approve")
    room.upvote(people[4], question)

    settings.EMAIL_BACKEND = FAILING
    late, late_token = services.register(
        event=event,
        first_name="Laat",
        last_name="Aangemeld",
        email="laat@x.example",
        role="wethouder",
        municipality=municipality,
        by_organiser=True,
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return {
        "event": event,
        "device_token": device_token,
        "arrived": people[0],
        "not_arrived": people[35],
        "late": late,
        "late_token": late_token,
        "connect_secret": code.secret,
        "connect_owner": people[31],
        "cancelled": cancelled,
        "moderator_token": moderator_token,
    }


def test_export_flush_import_gives_the_same_day_back(day, tmp_path):
    first = export(tmp_path / "first.json")
    assert first["counts"]["events.registration"] == 41
    assert first["counts"]["checkin.checkin"] == 22
    assert first["counts"]["networking.signupcontact"] == 3
    assert first["counts"]["networking.contact"] == 2
    assert first["counts"]["networking.intake"] == 1
    assert first["counts"]["events.municipality"] == 342
    assert [
        first["counts"][f"events.{kind}"] for kind in ("liveroom", "poll", "vote", "question", "questionvote")
    ] == [
        1,
        2,
        2,
        1,
        1,
    ]
    # Every registration, the device and its pairing code, the cancelled workshop, two signups and
    # a second contact for one of them; the demo's reminder planned.
    assert first["counts"]["events.auditentry"] == 41 + 2 + 1 + 3 + 1
    assert first["counts"]["events.scheduledmail"] == 1
    assert OutboundEmail.objects.filter(sent_at__isnull=True).count() == 1  # the late one's mail waits
    assert OutboundEmail.objects.filter(sent_at__isnull=False).count() > 0
    waitlist_times = list(Booking.objects.order_by("pk").values_list("created_at", flat=True))

    call_command("flush", interactive=False)
    assert Registration.objects.count() == 0
    call_command("import_event", str(tmp_path / "first.json"))
    second = export(tmp_path / "second.json")

    assert second["objects"] == first["objects"]
    assert second["counts"] == first["counts"]
    assert list(Booking.objects.order_by("pk").values_list("created_at", flat=True)) == waitlist_times

    # The day goes on where it was: badges, private links, scanner tokens and connect codes.
    event = Event.objects.get()
    assert room.room_for_moderator_token(day["moderator_token"]) is not None
    assert redeem(event=event, secret=day["not_arrived"].badge_secret).status == "ok"
    again = redeem(event=event, secret=day["arrived"].badge_secret)
    assert again.status == "already_checked_in"
    assert (
        again.first_checked_in_at
        == CheckIn.objects.get(registration=day["arrived"], workshop=None).checked_in_at
    )
    manage = Client().get(f"/r/{day['late_token']}/")
    assert manage.status_code == 200
    assert day["late"].reference in manage.content.decode()
    assert Client().get(f"/ical/r/{day['late'].calendar_token}.ics").status_code == 200
    assert Client().get(f"/badge/{day['late'].badge_token}.svg").status_code == 200
    assert authenticate_device(day["device_token"]).name == "Ingang noord"
    assert networking.owner_of_connect_code(day["connect_secret"]) == day["connect_owner"]
    assert Workshop.objects.get(pk=day["cancelled"].pk).status == Workshop.Status.CANCELLED
    cancelled = AuditEntry.objects.get(action="workshop.cancelled")
    assert (cancelled.object_id, cancelled.user.username, cancelled.door) == (
        str(day["cancelled"].pk),
        demo.STAFF_USERNAME,
        "dashboard",
    )
    login = Client().post(
        "/admin/login/?next=/admin/", {"username": demo.STAFF_USERNAME, "password": DEMO_PASSWORD}
    )
    assert (login.status_code, login["Location"]) == (302, "/admin/")

    # The mail that was waiting still goes out; new rows get new ids.
    assert OutboundEmail.objects.filter(sent_at__isnull=True).update(next_attempt_at=timezone.now()) == 1
    call_command("send_outbox")
    assert not OutboundEmail.objects.filter(sent_at__isnull=True).exists()
    newcomer, _token = services.register(
        event=event,
        first_name="Nieuw",
        last_name="Na herstel",
        email="nieuw@x.example",
        role="ambtenaar",
        by_organiser=True,
    )
    assert newcomer.pk > day["late"].pk


def test_import_refuses_a_database_that_is_not_empty(event, programme, make_attendee, tmp_path):
    make_attendee(1, programme["raad"])
    export(tmp_path / "day.json")
    before = Registration.objects.count()

    with pytest.raises(CommandError) as refused:
        call_command("import_event", str(tmp_path / "day.json"))

    assert str(refused.value).startswith("The database is not empty (it holds events.event: 1, events.room: ")
    assert "manage.py flush" in str(refused.value)
    assert Registration.objects.count() == before


def test_import_refuses_what_is_not_an_export(tmp_path, db):
    (tmp_path / "other.json").write_text('[{"model": "events.event", "pk": 1, "fields": {}}]')
    (tmp_path / "broken.json").write_text("{")
    for name, message in [
        ("other.json", "This file is not an export of manage.py export_event."),
        ("broken.json", "is not JSON"),
        ("missing.json", "Cannot read"),
    ]:
        with pytest.raises(CommandError) as refused:
            call_command("import_event", str(tmp_path / name))
        assert message in str(refused.value)
    assert Event.objects.count() == 0


def test_export_of_one_edition_leaves_the_other_out(event, programme, make_attendee, tmp_path):
    make_attendee(1, programme["raad"])
    other = Event.objects.create(
        slug="dld-vorig-jaar",
        name="Vorig jaar",
        date=event.date - timedelta(days=365),
        venue="Elders",
        capacity=10,
    )
    services.register(
        event=other,
        first_name="Oud",
        last_name="Jaar",
        email="oud@x.example",
        role="griffier",
        by_organiser=True,
    )

    document = export(tmp_path / "old.json", "--event", "dld-vorig-jaar")

    assert document["event"] == "dld-vorig-jaar"
    out = StringIO()
    call_command("export_event", "--event", "dld-vorig-jaar", stdout=out)
    assert json.loads(out.getvalue())["objects"] == document["objects"]
    rows = {(row["model"], row.get("pk")) for row in document["objects"]}
    assert {pk for model, pk in rows if model == "events.event"} == {other.pk}
    assert {pk for model, pk in rows if model == "events.registration"} == set(
        Registration.objects.filter(event=other).values_list("pk", flat=True)
    )
    assert not {pk for model, pk in rows if model in {"events.room", "events.workshop", "events.booking"}}
    with pytest.raises(CommandError, match="No event with slug 'bestaat-niet'"):
        call_command("export_event", "--event", "bestaat-niet")


def test_every_model_of_the_apps_is_in_the_backup():
    covered = {entry.model for entry in backup.parts()}
    for label in ["events", "checkin", "networking", "feedback", "certificates"]:
        for model in apps.get_app_config(label).get_models():
            assert model in covered, model._meta.label
