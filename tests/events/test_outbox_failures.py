"""A mail server that fails never loses a registration: the mail waits in the outbox, is retried
with backoff, stops after MAX_ATTEMPTS as failed, and organisers see it and can send it again."""

import time
from io import StringIO

import pytest
from django.core import mail as sent_mail
from django.core.management import call_command
from django.utils import timezone

from checkin.selectors import dashboard_snapshot
from events import outbox
from events.models import Booking, OutboundEmail, Registration
from tests.factories import registration_payload
from tests.mail_backends import FAILING
from tests.support import post_json

URL = "/api/v1/registrations"
ERROR = "SMTPServerDisconnected: Connection unexpectedly closed"


def register(api, programme, n: int = 1):
    return post_json(
        api, URL, registration_payload(n, workshops=[programme["raad"].pk, programme["digital"].pk])
    )


def send_outbox() -> str:
    out = StringIO()
    call_command("send_outbox", stdout=out)
    return out.getvalue().strip()


def backoff_has_passed() -> None:
    """Stand-in for waiting: every unsent mail's next attempt is now."""
    OutboundEmail.objects.filter(sent_at__isnull=True).update(next_attempt_at=timezone.now())


def minutes_until_next_attempt(email: OutboundEmail) -> float:
    return round((email.next_attempt_at - timezone.now()).total_seconds() / 60)


def test_inline_failure_still_answers_201_and_keeps_the_mail(
    api, programme, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        response = register(api, programme)

    assert response.status_code == 201
    registration = Registration.objects.get(reference=response.json()["reference"])
    assert sorted(registration.bookings.values_list("workshop_id", "status")) == sorted(
        [(programme["raad"].pk, Booking.Status.BOOKED), (programme["digital"].pk, Booking.Status.BOOKED)]
    )
    email = OutboundEmail.objects.get()
    assert (email.kind, email.to, email.registration, email.sent_at, email.attempts, email.last_error) == (
        "registration_confirmation",
        "anna.1@amersfoort.example",
        registration,
        None,
        1,
        ERROR,
    )
    assert minutes_until_next_attempt(email) == 1
    assert sent_mail.outbox == []

    # The mail server works again: not before the backoff, then send_outbox sends it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_outbox() == "sent 0, not sent 0"
    backoff_has_passed()
    assert send_outbox() == "sent 1, not sent 0"
    email.refresh_from_db()
    assert (email.attempts, email.last_error) == (2, "")
    assert email.sent_at is not None
    assert [(m.to, registration.reference in m.subject) for m in sent_mail.outbox] == [
        (["anna.1@amersfoort.example"], True)
    ]


@pytest.mark.django_db(transaction=True)
def test_thread_failure_still_answers_201_and_keeps_the_mail(api, programme, settings):
    settings.EMAIL_DELIVERY = "thread"
    settings.EMAIL_BACKEND = FAILING
    response = register(api, programme)
    outbox.wait_for_sender()  # the sender thread has had its go

    assert response.status_code == 201
    registration = Registration.objects.get(reference=response.json()["reference"])
    assert registration.bookings.count() == 2
    email = OutboundEmail.objects.get()
    assert (email.registration, email.sent_at, email.attempts, email.last_error) == (
        registration,
        None,
        1,
        ERROR,
    )
    assert minutes_until_next_attempt(email) == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    backoff_has_passed()
    assert send_outbox() == "sent 1, not sent 0"
    assert [m.to for m in sent_mail.outbox] == [["anna.1@amersfoort.example"]]


@pytest.mark.django_db(transaction=True)
def test_the_sender_thread_retries_due_mails_without_cron(api, programme, settings):
    settings.EMAIL_DELIVERY = "thread"
    settings.EMAIL_BACKEND = FAILING
    register(api, programme)
    outbox.wait_for_sender()
    assert OutboundEmail.objects.get().attempts == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    backoff_has_passed()
    stop = outbox.start_retry_loop(interval=0.1)
    assert stop is not None
    try:
        assert outbox.start_retry_loop(interval=0.1) is None  # one loop per process
        deadline = time.monotonic() + 15
        while OutboundEmail.objects.filter(sent_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        outbox.wait_for_sender()

    assert OutboundEmail.objects.get().sent_at is not None
    assert [m.to for m in sent_mail.outbox] == [["anna.1@amersfoort.example"]]


def test_retry_interval_zero_starts_no_loop():
    assert outbox.start_retry_loop(interval=0) is None


def test_after_max_attempts_it_stops_shows_as_failed_and_can_be_sent_again(
    api, programme, event, settings, staff_client, admin_client, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        assert register(api, programme).status_code == 201
    email = OutboundEmail.objects.get()

    backoffs = [minutes_until_next_attempt(email)]
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        backoff_has_passed()
        assert send_outbox() == "sent 0, not sent 1"
        email.refresh_from_db()
        backoffs.append(minutes_until_next_attempt(email))
    assert email.attempts == outbox.MAX_ATTEMPTS
    assert backoffs == [1, 2, 4, 8, 16, 32, 60, 60]

    # Given up: nobody tries again, even once the mail server works.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    backoff_has_passed()
    assert send_outbox() == "sent 0, not sent 0"
    assert list(outbox.failed()) == [email]
    assert dashboard_snapshot(event)["outbox"] == {"queued": 0, "failed": 1}

    # Organisers see it: on the dashboard and in the admin's list of failed e-mails.
    page = staff_client.get("/dashboard/").content.decode()
    assert 'id="outbox" class="notice warning"' in page
    assert '<strong data-field="failed">1</strong>' in page
    assert '<strong data-field="queued">0</strong>' in page
    assert "/admin/events/outboundemail/?status=failed" in page
    failed_list = admin_client.get("/admin/events/outboundemail/?status=failed")
    assert failed_list.status_code == 200
    assert list(failed_list.context["cl"].result_list) == [email]
    assert "mislukt" in failed_list.content.decode()
    queued_list = admin_client.get("/admin/events/outboundemail/?status=queued")
    assert list(queued_list.context["cl"].result_list) == []

    # "Send again" in the admin: a fresh series of attempts, and the next round sends it.
    answer = admin_client.post(
        "/admin/events/outboundemail/",
        {"action": "send_again", "_selected_action": [email.pk]},
    )
    assert answer.status_code == 302
    email.refresh_from_db()
    assert (email.attempts, email.sent_at) == (0, None)
    assert dashboard_snapshot(event)["outbox"] == {"queued": 1, "failed": 0}
    assert send_outbox() == "sent 1, not sent 0"
    assert [m.to for m in sent_mail.outbox] == [["anna.1@amersfoort.example"]]
    assert dashboard_snapshot(event)["outbox"] == {"queued": 0, "failed": 0}


def test_dashboard_without_failures_shows_no_warning(programme, event, staff_client, make_attendee):
    make_attendee(1)  # inline delivery, but on_commit does not run here: the mail stays queued
    page = staff_client.get("/dashboard/").content.decode()
    assert 'id="outbox" class="notice"' in page
    assert '<strong data-field="queued">1</strong>' in page
    assert '<strong data-field="failed">0</strong>' in page
