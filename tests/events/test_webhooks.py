"""Webhooks (issue 19): `POST /api/v1/webhooks {url, events}` → 201 {id, secret}; each change's
event is POSTed after commit, signed (`X-DLD-Signature`), retried with backoff until it arrives,
and seen exactly once by a receiver that fails the first attempts."""

import datetime
import time

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from events import outbox, services, webhooks
from events.models import WebhookDelivery, WebhookEndpoint
from events.services import create_api_token
from tests.factories import registration_payload
from tests.support import post_json, trail
from tests.webhooks import subscribe


def retry_later(minutes: int) -> tuple[int, int]:
    """A round of the retry loop, `minutes` from now."""
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes), tick=True):
        return webhooks.deliver_due()


def csrf(client) -> str:
    client.get("/dashboard/")
    return client.cookies["csrftoken"].value


def test_organisers_register_an_endpoint(staff_client, event, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    response = post_json(
        staff_client,
        "/api/v1/webhooks",
        {"url": "https://crm.example.nl/dld", "events": ["registration.created", "workshop.changed"]},
        HTTP_X_CSRFTOKEN=csrf(staff_client),
    )

    assert response.status_code == 201
    body = response.json()
    assert sorted(body) == ["id", "secret"]
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.pk, endpoint.secret, endpoint.events) == (
        body["id"],
        body["secret"],
        ["registration.created", "workshop.changed"],
    )
    assert [action for action, *_rest in trail(action="webhook.created")] == ["webhook.created"]


def test_an_api_token_with_the_registrations_scope_registers_one(api, event, staff_user):
    allowed = create_api_token(staff_user, name="CRM", scopes=["registrations"])[1]
    reader = create_api_token(staff_user, name="Lezen", scopes=["read"])[1]
    payload = {"url": "https://crm.example.nl/dld", "events": ["registration.created"]}

    assert (
        post_json(api, "/api/v1/webhooks", payload, HTTP_AUTHORIZATION=f"Bearer {allowed}").status_code == 201
    )
    assert (
        post_json(api, "/api/v1/webhooks", payload, HTTP_AUTHORIZATION=f"Bearer {reader}").status_code == 403
    )
    assert post_json(api, "/api/v1/webhooks", payload).status_code == 401
    assert WebhookEndpoint.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "http://crm.example.nl/dld", "events": ["registration.created"]}, "url"),
        ({"url": "ftp://crm.example.nl/dld", "events": ["registration.created"]}, "url"),
        ({"url": "https:///dld", "events": ["registration.created"]}, "url"),
        ({"url": "https://crm.example.nl/dld", "events": ["registration.deleted"]}, "events"),
        ({"url": "https://crm.example.nl/dld", "events": []}, "events"),
        ({"url": "https://crm.example.nl/dld"}, "events"),
        ({"url": "https://crm.example.nl/dld", "events": "registration.created"}, "events"),
    ],
)
def test_bad_input_is_422_and_stores_nothing(staff_client, event, settings, payload, field):
    settings.WEBHOOKS_ALLOW_HTTP = False
    response = post_json(staff_client, "/api/v1/webhooks", payload, HTTP_X_CSRFTOKEN=csrf(staff_client))
    assert (response.status_code, list(response.json()["errors"])) == (422, [field])
    assert (WebhookEndpoint.objects.count(), trail()) == (0, [])


def test_each_event_arrives_signed_exactly_once_also_when_the_first_attempts_fail(
    receiver, event, programme, make_attendee, django_capture_on_commit_callbacks
):
    local = receiver(fail_first=2)
    endpoint = subscribe(event, local, ["registration.created", "registration.cancelled"])
    with django_capture_on_commit_callbacks(execute=True):
        registration = make_attendee(1, programme["raad"])
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration)

    assert local.accepted == {}  # both refused once, after commit
    assert retry_later(1) == (0, 2)  # refused again: the next try waits longer
    assert retry_later(2) == (2, 0)
    assert retry_later(60) == (0, 0)  # nothing left to send

    assert local.types() == ["registration.created", "registration.cancelled"]
    assert list(local.attempts.values()) == [3, 3]
    assert local.bad_signatures == 0
    created = next(iter(local.accepted.values()))
    assert (created["event"], created["data"]["object"]["name"], created["data"]["action"]) == (
        "registration.created",
        str(registration),
        "registration.created",
    )
    log = list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .values_list("attempts", "last_status")
        .order_by("pk")
    )
    assert log == [(3, 204), (3, 204)]
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).failures_in_a_row == 0


def test_a_workshop_change_is_sent_to_endpoints_that_want_it_only(
    receiver, programme, django_capture_on_commit_callbacks
):
    event = programme["raad"].round.event
    wants = receiver()
    other = receiver()
    subscribe(event, wants, ["workshop.changed"])
    subscribe(event, other, ["registration.created"])
    with django_capture_on_commit_callbacks(execute=True):
        services.update_workshop(programme["small"], capacity=5)

    assert (wants.types(), other.types()) == (["workshop.changed"], [])
    body = next(iter(wants.accepted.values()))
    assert (body["data"]["action"], body["data"]["changes"]) == (
        "workshop.capacity_changed",
        {"capacity": [2, 5]},
    )


def test_a_change_that_is_rolled_back_sends_nothing(receiver, programme, make_attendee):
    local = receiver()
    subscribe(programme["raad"].round.event, local, ["registration.created"])
    with pytest.raises(RuntimeError), transaction.atomic():
        make_attendee(1, programme["raad"])
        raise RuntimeError("rolled back")

    assert (WebhookDelivery.objects.count(), local.attempts) == (0, {})


def test_an_endpoint_that_keeps_failing_is_disabled(
    receiver, programme, make_attendee, django_capture_on_commit_callbacks
):
    event = programme["raad"].round.event
    failing = receiver(status=500)
    endpoint = subscribe(event, failing, ["registration.created"])
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(1, 11):
            make_attendee(n)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).failures_in_a_row == 10
    retry_later(1)

    stored = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert (stored.failures_in_a_row, stored.disabled_at is not None) == (webhooks.DISABLE_AFTER, True)
    assert list(webhooks.disabled(event)) == [stored]
    # Disabled: nothing more is tried, and new changes are not queued for it.
    assert retry_later(60) == (0, 0)
    make_attendee(11)
    assert WebhookDelivery.objects.count() == 10


def test_verify_rejects_a_changed_body_another_secret_and_an_old_timestamp():
    body = b'{"id": "1"}'
    now = int(time.time())
    header = webhooks.signature("whsec_geheim", now, body)

    assert webhooks.verify("whsec_geheim", header, body) is True
    assert webhooks.verify("whsec_geheim", header, b'{"id": "2"}') is False
    assert webhooks.verify("whsec_ander", header, body) is False
    assert webhooks.verify("whsec_geheim", header, body, now=now + webhooks.TOLERANCE_SECONDS + 1) is False
    assert webhooks.verify("whsec_geheim", "v1=abc", body) is False


def test_the_dashboard_tells_of_a_disabled_endpoint_and_the_admin_switches_it_on(
    receiver, event, organiser_admin, make_attendee, django_capture_on_commit_callbacks
):
    local = receiver(status=500)
    endpoint = subscribe(event, local, ["registration.created"])
    assert "webhooks-disabled" not in organiser_admin.get("/dashboard/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_attendee(1)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(disabled_at=timezone.now())

    page = organiser_admin.get("/dashboard/").content.decode()
    assert 'id="webhooks-disabled"' in page and "/admin/events/webhookendpoint/" in page
    assert organiser_admin.get("/api/v1/stats").json()["webhooks_disabled"] == 1

    local.status = 204  # the receiver was repaired
    organiser_admin.post(
        "/admin/events/webhookendpoint/", {"action": "enable", "_selected_action": [endpoint.pk]}, follow=True
    )
    assert webhooks.deliver_due() == (1, 0)
    assert (local.types(), WebhookEndpoint.objects.get(pk=endpoint.pk).disabled_at) == (
        ["registration.created"],
        None,
    )
    assert organiser_admin.get("/admin/events/webhookdelivery/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_sender_thread_delivers_without_holding_up_the_request_and_retries_without_cron(
    receiver, api, programme, settings
):
    settings.EMAIL_DELIVERY = "thread"
    slow = receiver(fail_first=1, delay=1.5)
    subscribe(programme["raad"].round.event, slow, ["registration.created"])

    started = time.monotonic()
    response = post_json(api, "/api/v1/registrations", registration_payload(workshops=[programme["raad"].pk]))
    answered_in = time.monotonic() - started
    outbox.wait_for_sender()  # the first attempt: refused, after 1.5 s

    assert (response.status_code, answered_in < 1.0) == (201, True)
    assert (list(slow.attempts.values()), slow.accepted) == ([1], {})
    slow.delay = 0
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1), tick=True):
        stop = outbox.start_retry_loop(interval=0.1)
        try:
            deadline = time.monotonic() + 15
            while not slow.accepted and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            stop.set()
            outbox.wait_for_sender()
    assert (slow.types(), list(slow.attempts.values())) == (["registration.created"], [2])


@pytest.mark.django_db(transaction=True)
def test_a_slow_endpoint_does_not_hold_up_the_mail(receiver, api, programme, settings, mailoutbox):
    settings.EMAIL_DELIVERY = "thread"
    slow = receiver(delay=2)
    subscribe(programme["raad"].round.event, slow, ["registration.created"])

    statuses = [
        post_json(
            api, "/api/v1/registrations", registration_payload(email=f"traag{n}@x.example", workshops=[])
        ).status_code
        for n in (1, 2)
    ]
    # Both confirmations go out while the endpoint is still busy with the first POST.
    deadline = time.monotonic() + 1.5
    while len(mailoutbox) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    mailed_while_posting = sorted(message.to[0] for message in mailoutbox)
    outbox.wait_for_sender()  # the webhooks' thread too

    assert (statuses, mailed_while_posting, slow.types()) == (
        [201, 201],
        ["traag1@x.example", "traag2@x.example"],
        ["registration.created", "registration.created"],
    )
