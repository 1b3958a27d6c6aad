"""Check-in's webhook events (issue 19): a check-in at the entrance or at a workshop's door is sent as
`check_in.created`, its undo as `check_in.undone`, after commit, signed, each exactly once (also
when the receiver refuses the first attempts); scans that change nothing send nothing."""

import datetime
from datetime import datetime as moment
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from checkin.models import CheckIn
from checkin.services import redeem, undo
from events import webhooks
from events.models import WebhookDelivery
from tests.support import post_json
from tests.webhooks import subscribe

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CHECK_IN_EVENTS = ["check_in.created", "check_in.undone"]


def retry_later(minutes: int) -> tuple[int, int]:
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=True):
        return webhooks.deliver_due()


def bodies(receiver) -> list[tuple]:
    """(X-DLD-Event, type, reference, place kind, workshop slug, status) of what it accepted, in order."""
    return [
        (
            body["event"],
            body["type"],
            body["data"]["reference"],
            body["data"]["place"]["kind"],
            (body["data"]["place"]["workshop"] or {}).get("slug"),
            body["data"]["status"],
        )
        for body in receiver.accepted.values()
    ]


def test_check_in_types_are_offered_to_endpoints():
    assert {"check_in.created", "check_in.undone"} <= set(webhooks.event_types())


def test_each_check_in_and_undo_arrives_signed_exactly_once(
    receiver, event, programme, make_attendee, scanner, django_capture_on_commit_callbacks
):
    local = receiver(fail_first=1)
    subscribe(event, local, CHECK_IN_EVENTS)
    person = make_attendee(1, programme["raad"])
    device = scanner[0]
    with django_capture_on_commit_callbacks(execute=True):
        redeem(event=event, secret=person.badge_secret, device=device)  # the entrance
    with django_capture_on_commit_callbacks(execute=True):
        redeem(event=event, secret=person.badge_secret, device=device)  # again: already checked in
    with django_capture_on_commit_callbacks(execute=True):
        redeem(event=event, secret=person.badge_secret, device=device, workshop=programme["raad"])
    with django_capture_on_commit_callbacks(execute=True):
        undo(event=event, secret=person.badge_secret, device=device, workshop=programme["raad"])
    with django_capture_on_commit_callbacks(execute=True):
        undo(event=event, secret=person.badge_secret, device=device, workshop=programme["raad"])  # nothing left
    with django_capture_on_commit_callbacks(execute=True):
        redeem(event=event, secret="not-a-badge", device=device)  # unknown

    assert local.accepted == {}  # each refused once, after commit
    assert retry_later(1) == (3, 0)
    assert retry_later(60) == (0, 0)

    reference = person.reference
    assert bodies(local) == [
        ("check_in.created", "check_in.created", reference, "entrance", None, "ok"),
        ("check_in.created", "check_in.created", reference, "workshop", "sterke-raad", "ok"),
        ("check_in.undone", "check_in.undone", reference, "workshop", "sterke-raad", "undone"),
    ]
    assert list(local.attempts.values()) == [2, 2, 2]
    assert local.bad_signatures == 0


def test_the_moment_is_iso_with_the_amsterdam_offset(
    receiver, event, programme, make_attendee, scanner, django_capture_on_commit_callbacks
):
    local = receiver()
    subscribe(event, local, ["check_in.created"])
    person = make_attendee(1)
    with django_capture_on_commit_callbacks(execute=True):
        redeem(event=event, secret=person.badge_secret, device=scanner[0])

    (body,) = local.accepted.values()
    at = moment.fromisoformat(body["data"]["at"])
    checked_in_at = CheckIn.objects.get(registration=person).checked_in_at
    assert (at, at.utcoffset()) == (checked_in_at, checked_in_at.astimezone(AMSTERDAM).utcoffset())
    assert sorted(body["data"]) == ["at", "place", "reference", "status"]


def test_a_check_in_through_the_api_is_sent_to_the_endpoints_that_want_it_only(
    receiver, api, event, make_attendee, scanner_headers, django_capture_on_commit_callbacks
):
    created_only = receiver()
    registrations_only = receiver()
    subscribe(event, created_only, ["check_in.created"])
    subscribe(event, registrations_only, ["registration.cancelled"])
    person = make_attendee(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(api, "/api/v1/checkin/redeem", {"secret": person.badge_secret}, **scanner_headers)
    with django_capture_on_commit_callbacks(execute=True):
        post_json(api, "/api/v1/checkin/undo", {"secret": person.badge_secret}, **scanner_headers)

    assert response.json()["status"] == "ok"
    assert bodies(created_only) == [
        ("check_in.created", "check_in.created", person.reference, "entrance", None, "ok")
    ]
    assert registrations_only.attempts == {}


def test_a_check_in_that_is_rolled_back_sends_nothing(receiver, event, make_attendee, scanner):
    local = receiver()
    subscribe(event, local, CHECK_IN_EVENTS)
    person = make_attendee(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        redeem(event=event, secret=person.badge_secret, device=scanner[0])
        raise RuntimeError("rolled back")

    assert (WebhookDelivery.objects.count(), CheckIn.objects.count(), local.attempts) == (0, 0, {})
