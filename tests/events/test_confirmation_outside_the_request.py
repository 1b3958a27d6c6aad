"""The registration rush: with the production delivery (EMAIL_DELIVERY=thread) the request commits
the registration and its outbox row and answers; the confirmation (QR, calendar, templates) is
rendered and sent by the sender thread afterwards, which lets the process's requests go first."""

import threading
import time

import pytest
from django.core import mail as sent_mail

from events import outbox
from events.models import OutboundEmail, Registration
from tests.factories import registration_payload
from tests.support import post_json

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/registrations"


def register(api, programme, n: int = 1):
    return post_json(api, URL, registration_payload(n, workshops=[programme["raad"].pk]))


def wait_until(condition, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_the_answer_comes_with_the_row_queued_and_the_mail_follows(api, programme, settings):
    settings.EMAIL_DELIVERY = "thread"
    # The sender thread is busy: the request cannot be waiting for the mail to be rendered.
    busy = threading.Event()
    outbox._sender.submit(busy.wait, 30)
    try:
        response = register(api, programme)
        assert response.status_code == 201
        registration = Registration.objects.get(reference=response.json()["reference"])
        email = OutboundEmail.objects.get(registration=registration)
        assert (email.kind, email.sent_at, email.attempts, email.subject) == (
            "registration_confirmation",
            None,
            0,
            "",
        )
        assert sent_mail.outbox == []
    finally:
        busy.set()
    outbox.wait_for_sender()

    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 1
    assert [(m.to, registration.reference in m.subject) for m in sent_mail.outbox] == [
        ([registration.email], True)
    ]


def test_the_sender_waits_while_a_request_is_being_served(api, programme, settings):
    settings.EMAIL_DELIVERY = "thread"
    settings.OUTBOX_SENDER_YIELD_SECONDS = 30
    with outbox.traffic.request():  # as config.asgi counts the request it serves
        assert register(api, programme).status_code == 201
        time.sleep(0.3)
        assert OutboundEmail.objects.get().sent_at is None
        assert sent_mail.outbox == []
    outbox.wait_for_sender()
    assert OutboundEmail.objects.get().sent_at is not None
    assert len(sent_mail.outbox) == 1


def test_the_sender_goes_anyway_after_its_longest_wait(api, programme, settings):
    settings.EMAIL_DELIVERY = "thread"
    settings.OUTBOX_SENDER_YIELD_SECONDS = 0.2
    with outbox.traffic.request():  # a process that is never quiet still sends its mail
        assert register(api, programme).status_code == 201
        assert wait_until(lambda: OutboundEmail.objects.filter(sent_at__isnull=False).exists())
    assert len(sent_mail.outbox) == 1


def test_quiet_means_no_request_for_a_moment():
    traffic = outbox.Traffic()
    assert traffic.wait_for_quiet(0) is True  # a process that served nothing yet: at once
    with traffic.request():
        assert traffic.wait_for_quiet(0.05) is False
    started = time.monotonic()
    assert traffic.wait_for_quiet(5) is True
    assert time.monotonic() - started >= traffic.QUIET * 0.9
