"""The pushes of one announcement go out side by side: at most WEBPUSH_WORKERS at a time (the push
service sees that many at once when it is slow), every phone once, the gone subscriptions removed
and the others' failures logged, the database read and written only in the calling thread, in a
fixed number of queries (the registrations as a subquery), however many phones."""

import logging
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.announcements.services import post_announcement
from events.models import PushSubscription, Registration
from events.webpush import push
from tests.push_receiver import PushService

PHONES = 24


@pytest.fixture
def slow_push_service(settings):
    settings.WEBPUSH_ALLOW_HTTP = True
    service = PushService(delay=0.05)
    yield service
    service.close()


def phones(make_attendee, service, statuses=()) -> list:
    """PHONES attendees, each with a subscribed browser; the first ones answer `statuses`."""
    browsers = []
    for n in range(PHONES):
        registration = make_attendee(n + 1)
        browser = service.browser(statuses[n] if n < len(statuses) else 201)
        PushSubscription.objects.create(
            registration=registration, endpoint=browser.endpoint, p256dh=browser.p256dh, auth=browser.auth
        )
        browsers.append(browser)
    return browsers


@pytest.mark.parametrize("workers", [1, 4])
def test_every_phone_hears_it_once_with_at_most_the_workers_at_once(
    event, make_attendee, slow_push_service, settings, workers, django_capture_on_commit_callbacks
):
    settings.WEBPUSH_WORKERS = workers
    browsers = phones(make_attendee, slow_push_service)

    with django_capture_on_commit_callbacks(execute=True):
        post_announcement(event, text="Zaal 3 is vol.")

    assert [len(browser.received) for browser in browsers] == [1] * PHONES
    assert slow_push_service.most_at_once == workers
    assert slow_push_service.refused == 0


def test_gone_ones_are_removed_and_failures_logged_after_the_pool_in_the_callers_thread(
    event, make_attendee, slow_push_service, settings, caplog
):
    settings.WEBPUSH_WORKERS = 8
    browsers = phones(make_attendee, slow_push_service, statuses=[410, 404, 500, 503])
    trouble = list(
        PushSubscription.objects.filter(endpoint__in=[b.endpoint for b in browsers[2:4]])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    threads_before = {thread.name for thread in threading.enumerate()}

    with (
        caplog.at_level(logging.INFO, logger="events.webpush.push"),
        CaptureQueriesContext(connection) as queries,
    ):
        taken = push.send_to(
            Registration.objects.filter(event=event).values("pk"),
            lambda r: {"title": "t", "body": "b"},
            ttl=60,
        )

    assert taken == PHONES - 4
    assert set(PushSubscription.objects.values_list("endpoint", flat=True)) == {
        b.endpoint for b in browsers[2:]
    }
    assert PushSubscription.objects.filter(last_success_at__isnull=False).count() == PHONES - 4
    warnings = sorted(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert warnings == [
        f"push to subscription {trouble[0]} failed: 500",
        f"push to subscription {trouble[1]} failed: 503",
    ]
    assert f"pushed {PHONES}: {PHONES - 4} taken, 2 gone, 2 failed" in caplog.messages
    # The subscriptions with their registrations (the registrations a subquery), the deletion of the
    # gone ones and the stamp of the taken ones: the same for 24 or 700.
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert statements == ["SELECT", "DELETE", "UPDATE"]
    assert "IN (SELECT" in queries.captured_queries[0]["sql"]
    # The pool is gone with its threads (they never opened a database connection).
    assert {thread.name for thread in threading.enumerate()} - threads_before == set()
