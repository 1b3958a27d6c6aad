"""Messages to a group: the audience by workshop, waiting list, role, municipality and check-in;
one mail per recipient through the outbox, in their language with their own link; a test to
oneself; the audit entry."""

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.core import mail
from django.db import connection

from checkin.services import redeem
from events.errors import InvalidInput
from events.messaging import services
from events.messaging.models import GroupMessage
from events.messaging.services import Audience
from events.models import OutboundEmail
from tests.clock import at
from tests.support import requires_postgres, trail


def names(people) -> list[str]:
    return [person.last_name for person in people]


def test_the_audience_follows_every_filter(event, programme, make_attendee, municipalities, scanner):
    small, raad = programme["small"], programme["raad"]
    one = make_attendee(1, small)
    make_attendee(2, small, role="griffier")
    make_attendee(3, small, municipality=municipalities["GM0363"])  # small is full: waits
    make_attendee(4, raad, municipality=municipalities["GM0363"])
    cancelled = make_attendee(5, small)
    cancelled.status = cancelled.Status.CANCELLED
    cancelled.save()
    with time_machine.travel(at(9, 30)):
        redeem(event=event, secret=one.badge_secret, device=scanner[0])

    assert names(services.recipients(event, Audience())) == ["1", "2", "3", "4"]
    assert names(services.recipients(event, Audience(workshop=small.pk))) == ["1", "2"]
    assert names(services.recipients(event, Audience(waitlisted=small.pk))) == ["3"]
    assert names(services.recipients(event, Audience(role="griffier"))) == ["2"]
    assert names(services.recipients(event, Audience(municipality="GM0363"))) == ["3", "4"]
    assert names(services.recipients(event, Audience(checked_in=True))) == ["1"]
    assert names(services.recipients(event, Audience(workshop=small.pk, checked_in=False))) == ["2"]


def test_each_recipient_gets_their_own_mail_in_their_language(
    event, programme, make_attendee, staff_user, django_capture_on_commit_callbacks
):
    small = programme["small"]
    dutch = make_attendee(1, small)
    english = make_attendee(2, small, language="en")
    make_attendee(3, programme["raad"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_to_group(
            event,
            subject="Workshop verplaatst",
            body="Klein gezelschap is nu in zaal 5.\n\nTot straks! <b>echt</b>",
            audience=Audience(workshop=small.pk),
            by=staff_user,
        )

    assert (message.recipients, message.audience) == (2, {"workshop": small.pk})
    sent = {m.to[0]: m for m in mail.outbox}
    assert sorted(sent) == [dutch.email, english.email]
    assert sent[dutch.email].subject == "Workshop verplaatst"
    assert "Beste Deelnemer," in sent[dutch.email].body
    assert "Dear Deelnemer," in sent[english.email].body
    for person in (dutch, english):
        text, html = sent[person.email].body, sent[person.email].alternatives[0][0]
        assert "Klein gezelschap is nu in zaal 5." in text
        assert f"/r/{person.manage_token}/" in text
        assert f"/r/{person.manage_token}/" in html
        assert "&lt;b&gt;echt&lt;/b&gt;" in html
        assert "<b>echt</b>" not in html
    assert OutboundEmail.objects.filter(kind="group_message", sent_at__isnull=False).count() == 2
    assert trail(action="group_message.sent") == [
        ("group_message.sent", "Workshop verplaatst", "shell", "", {})
    ]


def test_someone_who_registers_later_is_not_added(event, programme, make_attendee):
    make_attendee(1, programme["small"])
    message = services.send_to_group(event, subject="Hallo", body="Welkom", audience=Audience())
    make_attendee(2, programme["small"])

    assert OutboundEmail.objects.filter(kind="group_message").count() == message.recipients == 1


def test_a_test_goes_to_oneself_without_anyones_private_link(
    event, programme, make_attendee, django_capture_on_commit_callbacks
):
    person = make_attendee(1, programme["small"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_test(
            event, subject="Hallo", body="Welkom", audience=Audience(), to="organisator@dld.example"
        )

    assert sent is True
    assert [(m.to, m.subject) for m in mail.outbox] == [(["organisator@dld.example"], "[TEST] Hallo")]
    assert person.manage_token not in mail.outbox[0].body
    assert GroupMessage.objects.count() == 0
    assert trail(action="group_message.sent") == []


@pytest.mark.parametrize(
    ("subject", "body", "audience", "field"),
    [
        ("", "Welkom", Audience(), "subject"),
        ("Hallo", "  ", Audience(), "body"),
        ("x" * 151, "Welkom", Audience(), "subject"),
        ("Hallo", "Welkom", Audience(role="burgemeester"), "__all__"),
    ],
)
def test_bad_messages_send_nothing(event, programme, make_attendee, subject, body, audience, field):
    make_attendee(1, programme["small"])
    mail.outbox.clear()

    with pytest.raises(InvalidInput) as refused:
        services.send_to_group(event, subject=subject, body=body, audience=audience)

    assert list(refused.value.errors) == [field]
    assert (GroupMessage.objects.count(), OutboundEmail.objects.filter(kind="group_message").count()) == (
        0,
        0,
    )
    assert mail.outbox == []


def test_the_organisers_page_previews_tests_and_sends(
    staff_client, staff_user, api, event, programme, make_attendee, django_capture_on_commit_callbacks
):
    staff_user.email = "organisator@dld.example"
    staff_user.save()
    small = programme["small"]
    first = make_attendee(1, small)
    make_attendee(2, small)
    make_attendee(3, programme["raad"])
    assert staff_client.get("/dashboard/berichten/").status_code == 200
    token = staff_client.cookies["csrftoken"].value
    form = {
        "subject": "Zaal 5",
        "body": "We zitten in zaal 5.",
        "workshop": small.pk,
        "csrfmiddlewaretoken": token,
    }
    mail.outbox.clear()

    preview = staff_client.post("/dashboard/berichten/", {**form, "action": "preview"})
    page = preview.content.decode()
    assert preview.status_code == 200
    submission = re.search(r'name="submission" value="([0-9a-f-]{36})"', page).group(1)
    form["submission"] = submission
    assert "Dit bericht gaat naar 2 personen" in page
    assert "We zitten in zaal 5." in page and first.manage_token not in page
    with django_capture_on_commit_callbacks(execute=True):
        tested = staff_client.post("/dashboard/berichten/", {**form, "action": "test"})
    assert tested.status_code == 200
    assert [(m.to, m.subject) for m in mail.outbox] == [(["organisator@dld.example"], "[TEST] Zaal 5")]

    # A send with another number than the preview showed only shows the preview again.
    stale = staff_client.post("/dashboard/berichten/", {**form, "action": "send", "expected": "5"})
    assert (stale.status_code, GroupMessage.objects.count()) == (200, 0)
    with django_capture_on_commit_callbacks(execute=True):
        sent = staff_client.post("/dashboard/berichten/", {**form, "action": "send", "expected": "2"})

    message = GroupMessage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        again = staff_client.post("/dashboard/berichten/", {**form, "action": "send", "expected": "2"})
    assert (again.status_code, GroupMessage.objects.count(), len(mail.outbox)) == (302, 1, 3)
    assert (sent.status_code, sent["Location"]) == (302, f"/dashboard/berichten/{message.pk}/?verzonden=1")
    assert sorted(m.to[0] for m in mail.outbox[1:]) == ["deelnemer1@x.example", "deelnemer2@x.example"]
    assert [(action, door, actor) for action, _o, door, actor, _c in trail(action="group_message.sent")] == [
        ("group_message.sent", "dashboard", "organisator")
    ]
    assert "Verstuurd naar 2 personen." in staff_client.get(sent["Location"]).content.decode()
    assert api.get("/dashboard/berichten/").status_code == 302


def test_the_organisers_page_refuses_an_empty_message(staff_client, event, programme, make_attendee):
    make_attendee(1, programme["small"])
    staff_client.get("/dashboard/berichten/")
    token = staff_client.cookies["csrftoken"].value

    response = staff_client.post(
        "/dashboard/berichten/",
        {"subject": "", "body": "", "action": "send", "expected": "1", "csrfmiddlewaretoken": token},
    )

    assert (response.status_code, GroupMessage.objects.count()) == (422, 0)


def test_the_same_submission_sends_once(event, programme, make_attendee):
    make_attendee(1, programme["small"])
    submission = uuid.uuid4()

    first = services.send_to_group(
        event, subject="Hallo", body="Welkom", audience=Audience(), submission=submission
    )
    second = services.send_to_group(
        event, subject="Hallo", body="Welkom", audience=Audience(), submission=submission
    )

    assert first.pk == second.pk
    assert OutboundEmail.objects.filter(kind="group_message").count() == 1
    assert len(trail(action="group_message.sent")) == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_send_once(event, programme, make_attendee):
    for n in range(1, 4):
        make_attendee(n, programme["raad"])
    submission = uuid.uuid4()
    start = threading.Barrier(2)

    def click():
        try:
            start.wait()
            return services.send_to_group(
                event, subject="Hallo", body="Welkom", audience=Audience(), submission=submission
            ).pk
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        ids = list(pool.map(lambda _n: click(), range(2)))

    assert ids[0] == ids[1]
    assert (GroupMessage.objects.count(), OutboundEmail.objects.filter(kind="group_message").count()) == (
        1,
        3,
    )
