"""Delivery of a message to a group per recipient (queued, sent, failed with the error, from the
outbox mail's state), the organisers' page of one message, resending only the failed mails, and
the throttle: group mails get moments GROUP_MAIL_RATE_PER_MINUTE apart, essential mails never wait."""

import itertools
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from events import outbox
from events.messaging import services
from events.messaging.models import GroupMessage, GroupMessageRecipient
from events.messaging.services import Audience
from events.models import OutboundEmail
from tests.mail_backends import FAILING

ERROR = "SMTPServerDisconnected: Connection unexpectedly closed"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def now_due(email: OutboundEmail) -> None:
    """Stand-in for waiting out the backoff of one mail."""
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())


def states(message: GroupMessage) -> list[tuple[str, str, str]]:
    return [
        (row.registration.last_name, row.state, row.error) for row in services.delivery(message).recipients
    ]


def mixed_message(event, programme, make_attendee, settings, capture):
    """A message to 1, 2 and 3 whose mail to 1 went out, to 2 failed for good, to 3 is being retried."""
    people = [make_attendee(n, programme["raad"]) for n in (1, 2, 3)]
    settings.EMAIL_BACKEND = FAILING
    with capture(execute=True):
        message = services.send_to_group(event, subject="Zaal 5", body="Welkom", audience=Audience())
    rows = {row.registration.last_name: row for row in GroupMessageRecipient.objects.select_related("email")}
    settings.EMAIL_BACKEND = LOCMEM
    now_due(rows["1"].email)
    assert outbox.deliver(rows["1"].email.pk) is True
    settings.EMAIL_BACKEND = FAILING
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        now_due(rows["2"].email)
        outbox.deliver(rows["2"].email.pk)
    return message, people


def test_each_recipients_state_follows_their_mail(
    event, programme, make_attendee, settings, django_capture_on_commit_callbacks
):
    message, _people = mixed_message(
        event, programme, make_attendee, settings, django_capture_on_commit_callbacks
    )

    assert states(message) == [("1", "sent", ""), ("2", "failed", ERROR), ("3", "queued", ERROR)]
    assert services.delivery(message).counts == {"queued": 1, "sent": 1, "failed": 1}


def test_resending_sends_only_the_failed_ones_once(
    event, programme, make_attendee, settings, django_capture_on_commit_callbacks
):
    message, people = mixed_message(
        event, programme, make_attendee, settings, django_capture_on_commit_callbacks
    )
    settings.EMAIL_BACKEND = LOCMEM
    mail.outbox.clear()
    retried = GroupMessageRecipient.objects.get(registration=people[2]).email

    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend_failed(message) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend_failed(message) == 0

    assert [m.to for m in mail.outbox] == [[people[1].email]]
    assert states(message) == [("1", "sent", ""), ("2", "sent", ""), ("3", "queued", ERROR)]
    assert OutboundEmail.objects.get(pk=retried.pk).attempts == 1


def test_the_organisers_page_of_a_message_lists_states_and_resends(
    staff_client, event, programme, make_attendee, settings, django_capture_on_commit_callbacks
):
    message, _people = mixed_message(
        event, programme, make_attendee, settings, django_capture_on_commit_callbacks
    )
    settings.EMAIL_BACKEND = LOCMEM

    page = staff_client.get(f"/dashboard/berichten/{message.pk}/").content.decode()
    assert '<dd data-state="queued">1</dd>' in page
    assert '<dd data-state="sent">1</dd>' in page
    assert '<dd data-state="failed">1</dd>' in page
    assert f"mislukt: {ERROR}" in page
    assert "Verstuur de 1 mislukte mail opnieuw" in page
    token = staff_client.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        resent = staff_client.post(
            f"/dashboard/berichten/{message.pk}/opnieuw/", {"csrfmiddlewaretoken": token}
        )
    again = staff_client.post(f"/dashboard/berichten/{message.pk}/opnieuw/", {"csrfmiddlewaretoken": token})

    assert (resent.status_code, resent["Location"]) == (302, f"/dashboard/berichten/{message.pk}/?opnieuw=1")
    assert (again.status_code, again["Location"]) == (302, f"/dashboard/berichten/{message.pk}/?opnieuw=0")
    assert '<dd data-state="failed">0</dd>' in staff_client.get(resent["Location"]).content.decode()
    assert staff_client.get(f"/dashboard/berichten/{message.pk + 1}/").status_code == 404
    assert staff_client.get(f"/dashboard/berichten/{message.pk}/opnieuw/").status_code == 405


def test_group_mails_are_spaced_at_the_rate(
    event, programme, make_attendee, settings, django_capture_on_commit_callbacks
):
    settings.GROUP_MAIL_RATE_PER_MINUTE = 30  # one every two seconds
    for n in range(1, 6):
        make_attendee(n, programme["raad"])
    settings.EMAIL_DELIVERY = "worker"  # only `send_outbox` sends: the moments are what is tested
    mail.outbox.clear()
    start = timezone.now().replace(microsecond=0)

    with time_machine.travel(start, tick=False):
        first = services.send_to_group(
            event, subject="Een", body="Welkom", audience=Audience(role="raadslid")
        )
        second = services.send_to_group(event, subject="Twee", body="Welkom", audience=Audience())
        moments = [
            (row.message.subject, round((row.email.next_attempt_at - start).total_seconds()))
            for row in GroupMessageRecipient.objects.select_related("message", "email").order_by("email__pk")
        ]
        assert outbox.deliver_throttled() == (1, 0)

    # The second message waits behind the first: no burst above the rate, across both.
    assert [seconds for subject, seconds in moments if subject == "Een"] == [0, 2, 4, 6, 8]
    assert [seconds for subject, seconds in moments if subject == "Twee"] == [10, 12, 14, 16, 18]
    assert (first.recipients, second.recipients) == (5, 5)
    with time_machine.travel(start + timedelta(seconds=9), tick=False):
        assert outbox.deliver_throttled() == (4, 0)
    with time_machine.travel(start + timedelta(seconds=18), tick=False):
        assert outbox.deliver_throttled() == (5, 0)
    assert [m.subject for m in mail.outbox] == ["Een"] * 5 + ["Twee"] * 5


def test_essential_mails_never_wait_behind_group_mails(
    event, programme, make_attendee, settings, django_capture_on_commit_callbacks
):
    settings.GROUP_MAIL_RATE_PER_MINUTE = 1
    for n in range(1, 4):
        make_attendee(n, programme["raad"])
    start = timezone.now().replace(microsecond=0)

    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.send_to_group(event, subject="Een", body="Welkom", audience=Audience())
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            newcomer = make_attendee(4, programme["raad"])
        assert [m.to for m in mail.outbox] == [[newcomer.email]]  # the confirmation went out at once

    # Everything due: the essential ones come first, and the mail round leaves group mails to theirs.
    OutboundEmail.objects.filter(sent_at__isnull=True).update(next_attempt_at=timezone.now())
    essential = OutboundEmail.objects.create(
        kind="registration_changed", to=newcomer.email, registration=newcomer
    )
    kinds = dict(OutboundEmail.objects.values_list("pk", "kind"))
    due = [kinds[pk] for pk in outbox.due()]
    assert (due[-2:], "group_message" in due[:-2], essential.pk in outbox.due()) == (
        ["group_message", "group_message"],
        False,
        True,
    )
    assert "group_message" not in [kinds[pk] for pk in outbox.due(throttled=False)]
    outbox.deliver_due(throttled=False)
    assert OutboundEmail.objects.filter(kind="group_message", sent_at__isnull=True).count() == 2
    assert OutboundEmail.objects.get(pk=essential.pk).sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_sender_thread_sends_group_mails_at_their_moments(event, programme, make_attendee, settings):
    for n in range(1, 5):
        make_attendee(n, programme["raad"])
    settings.EMAIL_DELIVERY = "thread"
    settings.GROUP_MAIL_RATE_PER_MINUTE = 300  # one every 0.2 s
    mail.outbox.clear()

    message = services.send_to_group(event, subject="Een", body="Welkom", audience=Audience())
    newcomer = make_attendee(5, programme["raad"])  # its confirmation is not held up
    deadline = time.monotonic() + 15
    while (
        GroupMessageRecipient.objects.filter(message=message, email__sent_at__isnull=True).exists()
        and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    outbox.wait_for_sender()

    sent = sorted(
        GroupMessageRecipient.objects.filter(message=message).values_list("email__sent_at", flat=True)
    )
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(sent)]
    assert (len(sent), all(gap >= 0.15 for gap in gaps)) == (4, True)
    confirmation = OutboundEmail.objects.get(registration=newcomer, kind="registration_confirmation")
    assert confirmation.sent_at < sent[-1]
