"""Opting out of messages to a group: on one's own page, through the one-click link of a group mail
(List-Unsubscribe, RFC 8058); opted-out people are left out (and counted) unless the message is
practical; the mails about one's own bookings still come; the moment is in the export and erased."""

import re
from datetime import datetime
from urllib.parse import urlsplit

from django.core import mail
from django.test import Client

from events import services as core
from events.messaging import services
from events.messaging.models import GroupMessage, GroupMessageRecipient, MessageOptOut
from events.messaging.services import Audience
from tests.clock import AMSTERDAM
from tests.support import trail


def recipients_of(message: GroupMessage) -> list[str]:
    return sorted(
        GroupMessageRecipient.objects.filter(message=message).values_list(
            "registration__last_name", flat=True
        )
    )


def test_a_group_mail_carries_the_one_click_opt_out(
    event, programme, make_attendee, django_capture_on_commit_callbacks
):
    person = make_attendee(1, programme["raad"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_to_group(event, subject="Nieuws", body="Welkom", audience=Audience())

    [sent] = mail.outbox
    header = sent.extra_headers["List-Unsubscribe"]
    url = re.fullmatch(r"<(http://[^>]+/berichten/afmelden/[^>]+/)>", header).group(1)
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in sent.body and url in sent.alternatives[0][0]
    assert person.manage_token not in url
    path = urlsplit(url).path

    # A mail program's one-click POST: no page visit before, no CSRF token.
    mail_program = Client(enforce_csrf_checks=True)
    assert "Wilt u geen berichten" in mail_program.get(path).content.decode()
    assert MessageOptOut.objects.count() == 0
    response = mail_program.post(path, {"List-Unsubscribe": "One-Click"})
    again = mail_program.post(path, {"List-Unsubscribe": "One-Click"})

    assert (response.status_code, again.status_code) == (200, 200)
    assert list(MessageOptOut.objects.values_list("registration", flat=True)) == [person.pk]
    assert [action for action, *_rest in trail(action="messages.opted_out")] == ["messages.opted_out"]
    assert mail_program.post(path[:-2] + "x/").status_code == 404
    assert mail_program.put(path).status_code == 405


def test_opted_out_people_are_left_out_and_counted(event, programme, make_attendee):
    make_attendee(1, programme["raad"])
    services.opt_out(make_attendee(2, programme["raad"]))

    message = services.send_to_group(event, subject="Nieuws", body="Welkom", audience=Audience())

    assert (recipients_of(message), message.recipients, message.left_out) == (["1"], 1, 1)
    assert (
        services.compose(
            event, action="preview", subject="Nieuws", body="Welkom", audience=Audience()
        ).left_out
        == 1
    )


def test_a_practical_message_reaches_them(
    event, programme, make_attendee, django_capture_on_commit_callbacks
):
    make_attendee(1, programme["raad"])
    out = make_attendee(2, programme["raad"])
    services.opt_out(out)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_to_group(
            event, subject="Zaal gewijzigd", body="Zaal 5", audience=Audience(), practical=True
        )

    assert (recipients_of(message), message.left_out, message.practical) == (["1", "2"], 0, True)
    assert sorted(m.to[0] for m in mail.outbox) == ["deelnemer1@x.example", "deelnemer2@x.example"]


def test_the_mails_about_their_own_bookings_still_come(
    event, programme, make_attendee, django_capture_on_commit_callbacks
):
    person = make_attendee(1, programme["raad"])
    services.opt_out(person)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        core.change_workshops(person, [programme["digital"]])

    assert [m.to for m in mail.outbox] == [[person.email]]


def test_opting_out_and_in_on_ones_own_page(client, event, programme, make_attendee):
    person = make_attendee(1, programme["raad"])
    page = f"/r/{person.manage_token}/"
    assert "Geen berichten meer" in client.get(page).content.decode()

    off = client.post(f"{page}berichten/", {"messages": "off"})
    html = client.get(off["Location"]).content.decode()
    assert (off.status_code, off["Location"]) == (302, f"{page}?berichten=1#berichten")
    assert "Weer berichten ontvangen" in html and "Uw keuze is opgeslagen." in html
    assert services.opted_out(person) is True
    on = client.post(f"{page}berichten/", {"messages": "on"})
    assert (on.status_code, services.opted_out(person)) == (302, False)


def test_bad_choices_on_ones_own_page_are_refused(client, event, programme, make_attendee):
    person = make_attendee(1, programme["raad"])

    assert client.post(f"/r/{person.manage_token}/berichten/", {"messages": "maybe"}).status_code == 400
    assert client.post("/r/not-a-token/berichten/", {"messages": "off"}).status_code == 404
    assert client.get(f"/r/{person.manage_token}/berichten/").status_code == 405
    assert MessageOptOut.objects.count() == 0


def test_the_opt_out_is_in_the_export_and_erased(client, event, programme, make_attendee):
    person = make_attendee(1, programme["raad"])
    choice = services.opt_out(person)
    services.send_to_group(event, subject="Praktisch", body="Zaal 5", audience=Audience(), practical=True)

    data = client.get(f"/r/{person.manage_token}/gegevens.json").json()
    exported = datetime.fromisoformat(data["messages_opted_out_at"])
    # The moment itself, written with the event's offset (Europe/Amsterdam), as every export time.
    assert (exported, exported.utcoffset()) == (choice.opted_out_at, AMSTERDAM.utcoffset(choice.opted_out_at))
    assert [(m["subject"], m["practical"]) for m in data["group_messages"]] == [("Praktisch", True)]

    removed = core.erase_registration(person)
    assert (removed["message_opt_outs"], removed["message_recipients"]) == (1, 1)
    assert (MessageOptOut.objects.count(), GroupMessageRecipient.objects.count()) == (0, 0)


def test_the_organisers_page_counts_who_is_left_out_and_sends_practical(
    staff_client, event, programme, make_attendee, django_capture_on_commit_callbacks
):
    make_attendee(1, programme["raad"])
    services.opt_out(make_attendee(2, programme["raad"]))
    staff_client.get("/dashboard/berichten/")
    form = {
        "subject": "Zaal 5",
        "body": "Welkom",
        "csrfmiddlewaretoken": staff_client.cookies["csrftoken"].value,
    }

    preview = staff_client.post("/dashboard/berichten/", {**form, "action": "preview"}).content.decode()
    practical = staff_client.post(
        "/dashboard/berichten/", {**form, "practical": "on", "action": "preview"}
    ).content.decode()
    assert "Dit bericht gaat naar 1 persoon" in preview
    assert "Nog 1 persoon voldoet, maar heeft zich afgemeld voor berichten" in preview
    assert (
        "Dit bericht gaat naar 2 personen" in practical and "afgemeld voor berichten (vink" not in practical
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = staff_client.post(
            "/dashboard/berichten/", {**form, "practical": "on", "action": "send", "expected": "2"}
        )

    message = GroupMessage.objects.get()
    assert (sent.status_code, message.practical, message.recipients, recipients_of(message)) == (
        302,
        True,
        2,
        ["1", "2"],
    )
    assert (
        "praktisch: ook naar wie zich heeft afgemeld" in staff_client.get(sent["Location"]).content.decode()
    )
