"""Web Push: the attendee's page subscribes a browser under the private link
(`POST/DELETE /api/v1/registrations/{manage_token}/push-subscriptions`), and announcements and
moved workshops reach the subscribed browsers. The push service is local (tests/push_receiver.py):
it verifies the VAPID signature and decrypts each push with the browser's keys."""

import logging
from datetime import timedelta
from io import StringIO
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from events.announcements.services import post_announcement, withdraw_announcement
from events.models import PushSubscription
from events.selectors import personal_data
from events.services import cancel_registration, cancel_workshop, move_workshop, reschedule_round
from events.services.erasure import erase_registration
from events.webpush import push
from events.webpush.services import subscribe
from tests.support import post_json


def url(registration) -> str:
    return f"/api/v1/registrations/{registration.manage_token}/push-subscriptions"


def page(registration) -> str:
    return f"{settings.SITE_URL}/r/{registration.manage_token}/"


def subscribed(registration, browser) -> PushSubscription:
    return subscribe(registration, endpoint=browser.endpoint, p256dh=browser.p256dh, auth=browser.auth)[0]


# Subscribing and unsubscribing


def test_a_browser_subscribes_under_the_private_link_once(api, make_attendee, push_service):
    attendee = make_attendee()
    browser = push_service.browser()

    first = post_json(api, url(attendee), browser.subscription())
    again = post_json(api, url(attendee), browser.subscription())

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["endpoint"] == browser.endpoint
    stored = PushSubscription.objects.get()
    assert (stored.registration, stored.endpoint, stored.p256dh, stored.auth, stored.last_success_at) == (
        attendee,
        browser.endpoint,
        browser.p256dh,
        browser.auth,
        None,
    )


def test_a_shared_phone_moves_to_the_last_attendee_who_subscribed_it(api, make_attendee, push_service):
    first, second = make_attendee(1), make_attendee(2)
    browser = push_service.browser()
    post_json(api, url(first), browser.subscription())

    assert post_json(api, url(second), browser.subscription()).status_code == 200

    assert list(PushSubscription.objects.values_list("registration", flat=True)) == [second.pk]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "ftp://127.0.0.1/push/1"}, "endpoint"),
        ({"endpoint": "not an address"}, "endpoint"),
        ({"keys": {"p256dh": "AAAA", "auth": "x" * 22}}, "p256dh"),
        ({"keys": {"p256dh": "!!!", "auth": "x" * 22}}, "p256dh"),
        ({"keys": {"auth": "dG9vIHNob3J0"}}, "auth"),  # "too short": 9 bytes, not 16
    ],
)
def test_a_subscription_that_no_browser_makes_is_refused_with_its_field(
    api, make_attendee, push_service, change, field
):
    attendee = make_attendee()
    body = push_service.browser().subscription()
    body = {**body, **change, "keys": {**body["keys"], **change.get("keys", {})}}

    response = post_json(api, url(attendee), body)

    assert (response.status_code, response.json()["code"], list(response.json()["errors"])) == (
        422,
        "invalid",
        [field],
    )
    assert PushSubscription.objects.count() == 0


def test_an_http_endpoint_is_refused_unless_allowed(api, make_attendee, push_service, settings):
    settings.WEBPUSH_ALLOW_HTTP = False

    response = post_json(api, url(make_attendee()), push_service.browser().subscription())

    assert (response.status_code, list(response.json()["errors"])) == (422, ["endpoint"])


def test_missing_keys_unknown_links_cancelled_registrations_and_no_vapid_are_refused(
    api, make_attendee, push_service, settings
):
    attendee, cancelled = make_attendee(1), make_attendee(2)
    cancel_registration(cancelled)
    body = push_service.browser().subscription()

    missing = post_json(api, url(attendee), {"endpoint": body["endpoint"]})
    not_json = api.post(url(attendee), data="endpoint=x", content_type="application/x-www-form-urlencoded")
    unknown = post_json(api, "/api/v1/registrations/geen-geldige-link-1234567890/push-subscriptions", body)
    refused = post_json(api, url(cancelled), body)
    settings.VAPID_PRIVATE_KEY = ""
    unconfigured = post_json(api, url(attendee), body)

    answers = [
        (answer.status_code, answer.json()["code"])
        for answer in (missing, not_json, unknown, refused, unconfigured)
    ]
    assert answers == [
        (422, "invalid"),
        (415, "unsupported_media_type"),
        (404, "not_found"),
        (409, "registration_cancelled"),
        (409, "push_not_configured"),
    ]
    assert PushSubscription.objects.count() == 0


def test_unsubscribing_removes_only_this_attendees_browser(api, make_attendee, push_service):
    attendee, other = make_attendee(1), make_attendee(2)
    mine, theirs = push_service.browser(), push_service.browser()
    subscribed(attendee, mine)
    subscribed(other, theirs)

    gone = api.delete(f"{url(attendee)}?endpoint={quote(mine.endpoint, safe='')}")
    again = api.delete(f"{url(attendee)}?endpoint={quote(mine.endpoint, safe='')}")
    not_mine = api.delete(f"{url(attendee)}?endpoint={quote(theirs.endpoint, safe='')}")
    unknown = api.delete("/api/v1/registrations/geen-geldige-link-1234567890/push-subscriptions?endpoint=x")

    assert (gone.status_code, again.status_code, not_mine.status_code, unknown.status_code) == (
        204,
        204,
        204,
        404,
    )
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [theirs.endpoint]


# What is pushed


def test_an_announcement_for_everyone_reaches_every_subscribed_phone_in_its_language(
    make_attendee, push_service, event, django_capture_on_commit_callbacks
):
    dutch, english = make_attendee(1), make_attendee(2, language="en")
    cancelled = make_attendee(3)
    phones = {who: push_service.browser() for who in ("dutch", "english", "cancelled")}
    subscribed(dutch, phones["dutch"])
    subscribed(english, phones["english"])
    subscribed(cancelled, phones["cancelled"])
    cancel_registration(cancelled)
    expires_at = timezone.now() + timedelta(minutes=30)

    with django_capture_on_commit_callbacks(execute=True):
        post_announcement(event, text="Workshop X verplaatst naar zaal 5", expires_at=expires_at)

    assert phones["dutch"].received == [
        {"title": "Mededeling", "body": "Workshop X verplaatst naar zaal 5", "url": page(dutch)}
    ]
    assert phones["english"].received == [
        {"title": "Announcement", "body": "Workshop X verplaatst naar zaal 5", "url": page(english)}
    ]
    assert phones["cancelled"].received == []
    assert 29 * 60 <= phones["dutch"].ttls[0] <= 30 * 60  # until it expires
    assert push_service.refused == 0
    assert PushSubscription.objects.get(registration=dutch).last_success_at is not None


def test_a_workshops_announcement_reaches_only_those_with_a_seat_in_it(
    make_attendee, push_service, event, programme, django_capture_on_commit_callbacks
):
    seated = make_attendee(1, programme["raad"])
    elsewhere = make_attendee(2, programme["small"])
    phones = [push_service.browser(), push_service.browser()]
    subscribed(seated, phones[0])
    subscribed(elsewhere, phones[1])

    with django_capture_on_commit_callbacks(execute=True):
        post_announcement(event, text="We beginnen tien minuten later.", workshop=programme["raad"])

    assert [phone.received for phone in phones] == [
        [{"title": programme["raad"].title, "body": "We beginnen tien minuten later.", "url": page(seated)}],
        [],
    ]


def test_a_withdrawn_announcement_is_not_pushed_again_and_withdrawing_pushes_nothing(
    make_attendee, push_service, event, django_capture_on_commit_callbacks
):
    phone = push_service.browser()
    subscribed(make_attendee(), phone)
    with django_capture_on_commit_callbacks(execute=True):
        announcement = post_announcement(event, text="Koffie staat klaar.")

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_announcement(event, announcement.pk)

    assert len(phone.received) == 1
    assert push.push_announcement(announcement.pk) == 0
    assert len(phone.received) == 1


def test_a_workshop_moved_to_another_room_is_pushed_to_its_attendees_only(
    make_attendee, push_service, programme, django_capture_on_commit_callbacks
):
    raad, hall = programme["raad"], programme["rooms"]["hall"]
    seated = make_attendee(1, raad)
    elsewhere = make_attendee(2, programme["small"])
    phones = [push_service.browser(), push_service.browser()]
    subscribed(seated, phones[0])
    subscribed(elsewhere, phones[1])

    with django_capture_on_commit_callbacks(execute=True):
        move_workshop(raad, version=raad.sequence, room=hall)

    assert [phone.received for phone in phones] == [
        [
            {
                "title": "Nieuwe zaal: Sterke Raad",
                "body": "“Sterke Raad” is verplaatst naar een andere zaal: Grote Zaal. De tijd blijft hetzelfde.",
                "url": page(seated),
            }
        ],
        [],
    ]
    assert 0 < phones[0].ttls[0] <= push.WORKSHOP_NEWS_TTL


def test_a_rescheduled_round_and_a_cancelled_workshop_are_pushed(
    make_attendee, push_service, programme, django_capture_on_commit_callbacks
):
    first = programme["rounds"]["first"]
    seated = make_attendee(1, programme["raad"])
    phone = push_service.browser()
    subscribed(seated, phone)

    with django_capture_on_commit_callbacks(execute=True):
        reschedule_round(first, starts_at=first.starts_at + timedelta(minutes=30), ends_at=first.ends_at)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_workshop(programme["raad"])

    start, end = (first.starts_at + timedelta(minutes=30)), first.ends_at
    clock = lambda moment: timezone.localtime(moment).strftime("%H:%M")  # noqa: E731
    assert [message["title"] for message in phone.received] == [
        "Nieuwe tijd: Sterke Raad",
        "Geannuleerd: Sterke Raad",
    ]
    assert phone.received[0]["body"] == (
        f"“Sterke Raad” heeft een nieuwe tijd: {clock(start)}–{clock(end)}, nog steeds in Zaal A."
    )


def test_a_subscription_the_push_service_forgot_is_removed_and_one_in_trouble_kept(
    make_attendee, push_service, event, caplog, django_capture_on_commit_callbacks
):
    gone, trouble, fine = push_service.browser(410), push_service.browser(500), push_service.browser()
    missing = push_service.browser(404)
    for n, phone in enumerate((gone, trouble, fine, missing), start=1):
        subscribed(make_attendee(n), phone)

    with (
        caplog.at_level(logging.INFO, logger="events.webpush.push"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        post_announcement(event, text="Lunch om half een.")

    left = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert left == {trouble.endpoint, fine.endpoint}
    assert [len(phone.received) for phone in (gone, trouble, fine, missing)] == [0, 0, 1, 0]
    assert PushSubscription.objects.get(endpoint=trouble.endpoint).last_success_at is None
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert warnings == [
        f"push to subscription {PushSubscription.objects.get(endpoint=trouble.endpoint).pk} failed: 500"
    ]


def test_pushes_go_after_the_commit_in_the_push_senders_thread(
    transactional_db, make_attendee, push_service, event, settings
):
    settings.EMAIL_DELIVERY = "thread"
    phone = push_service.browser()
    subscribed(make_attendee(), phone)

    with transaction.atomic():
        post_announcement(event, text="Lunch om half een.")
        push._sender.wait(10)
        assert phone.received == []  # never a push of what may still roll back
    push._sender.wait(10)

    assert [message["body"] for message in phone.received] == ["Lunch om half een."]


def test_without_vapid_keys_nothing_is_pushed(
    make_attendee, push_service, event, settings, django_capture_on_commit_callbacks
):
    phone = push_service.browser()
    subscribed(make_attendee(), phone)
    settings.VAPID_PRIVATE_KEY = ""

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post_announcement(event, text="Lunch om half een.")

    assert len(callbacks) == 1  # the live message only

    assert phone.received == []


# The attendee's page, their data


def test_the_attendees_page_offers_notifications_only_with_vapid_keys(client, make_attendee, settings):
    attendee = make_attendee()

    with_keys = client.get(f"/r/{attendee.manage_token}/").content.decode()
    settings.VAPID_PUBLIC_KEY = ""
    without = client.get(f"/r/{attendee.manage_token}/").content.decode()

    assert settings.VAPID_PRIVATE_KEY not in with_keys
    assert 'data-public-key="BD0n6yB7' in with_keys
    assert "Meldingen op deze telefoon aanzetten" in with_keys
    assert f'data-subscriptions-url="{url(attendee)}"' in with_keys
    assert "data-push" not in without


def test_the_service_worker_is_served_under_r_with_the_attendee_pages_scope(client):
    response = client.get("/r/sw.js")

    assert (response.status_code, response["Content-Type"]) == (200, "text/javascript")
    assert 'addEventListener("push"' in response.content.decode()


def test_an_attendees_push_subscriptions_are_in_their_data_and_go_with_them(make_attendee, push_service):
    attendee = make_attendee()
    subscribed(attendee, push_service.browser())

    exported = personal_data(attendee)["push_subscriptions"]
    removed = erase_registration(attendee)

    assert [entry["push_service"] for entry in exported] == ["127.0.0.1"]
    assert (removed["push_subscriptions"], PushSubscription.objects.count()) == (1, 0)


def test_vapid_keys_prints_a_pair_that_signs_pushes(make_attendee, push_service, event, settings):
    out = StringIO()
    call_command("vapid_keys", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = (
        lines["VAPID_PUBLIC_KEY"],
        lines["VAPID_PRIVATE_KEY"],
    )
    phone = push_service.browser()
    subscription = subscribed(make_attendee(), phone)

    assert push.send(subscription, {"title": "t", "body": "b", "url": "u"}, ttl=60) is True
    assert (phone.received, push_service.refused) == ([{"title": "t", "body": "b", "url": "u"}], 0)
