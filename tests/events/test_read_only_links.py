"""Calendar feeds and badge images carry read-only tokens of their own, never the manage token
(which changes, cancels and erases). Links handed out before keep working until the attendee
makes new ones; then they answer 404."""

import json
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from events import backup, services
from events.models import AuditEntry, Registration, secret_hash
from tests.factories import registration_payload
from tests.support import post_json


def feeds(registration: Registration, token: str) -> list[int]:
    client = Client()
    return [
        client.get(f"/ical/r/{token}.ics").status_code,
        client.get(f"/badge/{token}.svg").status_code,
        client.get(f"/badge/{token}.png").status_code,
    ]


def test_the_manage_token_opens_no_feed_and_the_read_only_tokens_open_nothing_else(client, make_attendee):
    registration = make_attendee()
    assert registration.calendar_token != registration.badge_token
    assert {len(registration.calendar_token), len(registration.badge_token)} == {32}  # 192 bits
    assert registration.calendar_token_hash == secret_hash(registration.calendar_token)
    assert registration.badge_token_hash == secret_hash(registration.badge_token)

    assert feeds(registration, registration.manage_token) == [404, 404, 404]
    assert client.get(f"/ical/r/{registration.calendar_token}.ics").status_code == 200
    assert client.get(f"/badge/{registration.badge_token}.svg").status_code == 200
    assert client.get(f"/badge/{registration.calendar_token}.svg").status_code == 404
    assert client.get(f"/ical/r/{registration.badge_token}.ics").status_code == 404
    for token in (registration.calendar_token, registration.badge_token):
        assert client.get(f"/r/{token}/").status_code == 404
        assert client.get(f"/r/{token}/gegevens.json").status_code == 404
        assert client.get(f"/api/v1/registrations/{token}").status_code == 404
        assert client.delete(f"/api/v1/registrations/{token}").status_code == 404
    assert Registration.objects.get().is_confirmed


def test_mails_and_the_api_hand_out_the_read_only_links(api, programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = post_json(api, "/api/v1/registrations", registration_payload()).json()
    registration = Registration.objects.get()
    (message,) = mail.outbox
    html = message.alternatives[0][0]

    calendar_url = f"http://127.0.0.1:8000/ical/r/{registration.calendar_token}.ics"
    assert calendar_url in message.body and calendar_url in html
    assert re.findall(r"/(?:ical/r|badge)/([\w-]+)", message.body + html) == [registration.calendar_token] * 3
    assert body["ics_url"] == f"http://testserver/ical/r/{registration.calendar_token}.ics"
    assert body["badge_url"] == f"http://testserver/badge/{registration.badge_token}.svg"
    detail = api.get(f"/api/v1/registrations/{registration.manage_token}").json()
    assert (detail["ics_url"], detail["badge_url"]) == (body["ics_url"], body["badge_url"])


def test_old_links_with_the_manage_token_work_until_new_links_are_made(client, make_attendee):
    registration = make_attendee()
    # As migration 0013 left the registrations made before: their mails carried the manage token.
    Registration.objects.filter(pk=registration.pk).update(manage_token_opens_feeds=True)
    old_calendar, old_badge = registration.calendar_token, registration.badge_token
    assert feeds(registration, registration.manage_token) == [200, 200, 200]
    page = client.get(f"/r/{registration.manage_token}/").content.decode()
    assert f"webcal://testserver/ical/r/{old_calendar}.ics" in page

    answer = client.post(f"/r/{registration.manage_token}/nieuwe-links/")

    assert answer.status_code == 302
    assert answer["Location"] == f"/r/{registration.manage_token}/?nieuwe-links=1#agenda"
    renewed = Registration.objects.get()
    assert feeds(renewed, registration.manage_token) == [404, 404, 404]
    assert client.get(f"/ical/r/{old_calendar}.ics").status_code == 404
    assert client.get(f"/badge/{old_badge}.svg").status_code == 404
    assert client.get(f"/ical/r/{renewed.calendar_token}.ics").status_code == 200
    assert client.get(f"/badge/{renewed.badge_token}.png").status_code == 200
    assert {renewed.calendar_token, renewed.badge_token}.isdisjoint({old_calendar, old_badge})
    # The manage link itself is unchanged, and the page says what happened.
    page = client.get(answer["Location"]).content.decode()
    assert f"webcal://testserver/ical/r/{renewed.calendar_token}.ics" in page
    assert "de oude agendalink werkt niet meer" in page
    assert AuditEntry.objects.filter(action="registration.links_renewed").count() == 1


def test_new_links_only_by_a_post_of_the_attendee(client, make_attendee):
    registration = make_attendee()
    assert client.get(f"/r/{registration.manage_token}/nieuwe-links/").status_code == 405
    assert Client(enforce_csrf_checks=True).post(f"/r/{registration.manage_token}/nieuwe-links/").status_code == 403
    assert client.post("/r/onbekend-token-1234567890/nieuwe-links/").status_code == 404
    assert Registration.objects.get().calendar_token == registration.calendar_token


def test_a_cancelled_registration_keeps_an_empty_feed(client, make_attendee):
    registration = make_attendee()
    services.cancel_registration(registration)
    feed = client.get(f"/ical/r/{registration.calendar_token}.ics")
    assert (feed.status_code, feed.content.count(b"BEGIN:VEVENT")) == (200, 0)


BEFORE = [("events", "0012_registration_language")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_registration_its_tokens_and_keeps_the_old_links(event):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        OldRegistration = apps.get_model("events", "Registration")
        for n, erased in ((1, None), (2, None), (3, timezone.now())):
            OldRegistration.objects.create(
                event_id=event.pk,
                reference=f"DLD-MIG{n}",
                first_name=f"Persoon{n}",
                last_name="Migratie",
                email=f"persoon{n}@example.org",
                role="raadslid",
                privacy_accepted_at=timezone.now(),
                badge_secret=f"badge{n}",
                badge_hash=f"badge-hash{n}",
                manage_token=f"token{n}",
                manage_token_hash=secret_hash(f"token{n}"),
                erased_at=erased,
            )
    finally:
        MigrationExecutor(connection).migrate(latest)

    kept = Registration.objects.filter(erased_at__isnull=True).order_by("pk")
    assert [(r.manage_token_opens_feeds, len(r.calendar_token), len(r.badge_token)) for r in kept] == [
        (True, 32, 32),
        (True, 32, 32),
    ]
    assert all(r.calendar_token_hash == secret_hash(r.calendar_token) for r in kept)
    assert len({r.calendar_token for r in kept} | {r.badge_token for r in kept}) == 4
    erased = Registration.objects.get(erased_at__isnull=False)
    assert (erased.calendar_token, erased.manage_token_opens_feeds) == ("", False)
    assert Client().get("/ical/r/token1.ics").status_code == 200
    assert Client().get(f"/ical/r/{kept[0].calendar_token}.ics").status_code == 200


READ_ONLY_FIELDS = ("calendar_token", "calendar_token_hash", "badge_token", "badge_token_hash", "manage_token_opens_feeds")


@pytest.mark.django_db(transaction=True)  # flush: on PostgreSQL not inside a test's transaction
def test_a_backup_from_before_the_read_only_tokens_restores_with_its_old_links(client, make_attendee):
    registration = make_attendee()
    document = backup.export_event(registration.event)
    for row in document["objects"]:
        if row["model"] == "events.registration":
            for field in READ_ONLY_FIELDS:
                del row["fields"][field]
    call_command("flush", interactive=False)

    backup.import_event(json.loads(backup.dumps(document)))

    restored = Registration.objects.get()
    assert (restored.manage_token_opens_feeds, len(restored.calendar_token)) == (True, 32)
    assert client.get(f"/r/{registration.manage_token}/").status_code == 200
    assert feeds(restored, registration.manage_token) == [200, 200, 200]
    assert client.get(f"/ical/r/{restored.calendar_token}.ics").status_code == 200
