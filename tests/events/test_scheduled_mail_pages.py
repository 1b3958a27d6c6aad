"""The organisers' pages of scheduled mails (staff only): the list with moment on Amsterdam's clock,
state and counts, the one-click reminder preset, a message planned with the composer's choices,
cancelling, clear errors for bad input (nothing stored); and the counts on the main dashboard."""

from datetime import time

import pytest
import time_machine
from django.test import Client

from checkin.selectors import stats
from events.messaging import scheduling
from events.messaging.models import ScheduledMail
from events.models import OutboundEmail
from tests.clock import at

PAGE = "/dashboard/berichten/gepland/"


def csrf(client: Client) -> str:
    assert client.get(PAGE).status_code == 200
    return client.cookies["csrftoken"].value


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", PAGE), ("post", PAGE), ("post", PAGE + "herinnering/"), ("post", PAGE + "1/annuleren/")],
)
def test_the_pages_are_for_organisers_only(event, django_user_model, method, path):
    anonymous = getattr(Client(), method)(path)
    attendee = Client()
    attendee.force_login(django_user_model.objects.create_user("deelnemer", password="x-geheim-1"))

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    assert getattr(attendee, method)(path).status_code == 302
    assert ScheduledMail.objects.count() == 0


def test_the_preset_plans_the_reminder_two_days_before_at_nine(event, staff_client):
    token = csrf(staff_client)

    response = staff_client.post(PAGE + "herinnering/", {"csrfmiddlewaretoken": token})
    page = staff_client.get(response["Location"]).content.decode()

    reminder = ScheduledMail.objects.get()
    assert response.status_code == 302
    assert (reminder.kind, reminder.days_before, reminder.time_of_day, reminder.state) == (
        "reminder",
        2,
        time(9, 0),
        "planned",
    )
    assert "De mail is gepland." in page
    assert f"{reminder.moment.strftime('%-d')} " in page and "09:00" in page
    assert "2 dagen voor de dag" in page


def test_a_message_is_planned_with_the_composers_choices(event, programme, staff_client):
    token = csrf(staff_client)
    response = staff_client.post(
        PAGE,
        {
            "csrfmiddlewaretoken": token,
            "kind": "message",
            "send_at": at(8, 15, days=-1).strftime("%Y-%m-%dT%H:%M"),
            "subject": "Tot morgen",
            "body": "Neem een jas mee.",
            "workshop": programme["raad"].pk,
        },
    )

    planned = ScheduledMail.objects.get()
    assert response.status_code == 302
    assert (planned.kind, planned.subject, planned.audience, planned.practical) == (
        "message",
        "Tot morgen",
        {"workshop": programme["raad"].pk},
        False,
    )
    assert planned.moment == at(8, 15, days=-1)  # the form's time is Amsterdam's
    assert "08:15" in staff_client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"kind": "reminder", "days_before": "-1", "time_of_day": "09:00"}, "minstens 0 is"),
        ({"kind": "reminder", "days_before": "2", "time_of_day": "25:00"}, "Voer een geldige tijd in."),
        ({"kind": "reminder", "days_before": "2"}, "Geef aan hoe laat."),
        ({"kind": "reminder"}, "Kies dagen voor de dag of een vast moment."),
        ({"kind": "reminder", "days_before": "90", "time_of_day": "09:00"}, "Dit moment is al voorbij."),
        ({"kind": "message", "days_before": "1", "time_of_day": "09:00"}, "Vul een onderwerp in."),
        ({"kind": "brief", "days_before": "1", "time_of_day": "09:00"}, "Selecteer een geldige keuze."),
        ({"kind": "reminder", "send_at": "morgen vroeg"}, "Voer een geldige datum/tijd in."),
    ],
)
def test_bad_input_gets_a_clear_error_and_stores_nothing(event, staff_client, fields, error):
    response = staff_client.post(PAGE, {"csrfmiddlewaretoken": csrf(staff_client), **fields})

    assert response.status_code == 422
    assert error in response.content.decode()
    assert ScheduledMail.objects.count() == 0


def test_cancel_before_it_is_due_and_not_after(event, programme, make_attendee, staff_client):
    make_attendee(1, programme["raad"])
    planned = scheduling.plan_reminder(event)
    token = csrf(staff_client)

    cancelled = staff_client.post(f"{PAGE}{planned.pk}/annuleren/", {"csrfmiddlewaretoken": token})
    again = staff_client.post(f"{PAGE}{planned.pk}/annuleren/", {"csrfmiddlewaretoken": token})
    with time_machine.travel(at(9, 1, days=-2), tick=False):
        scheduling.send_due()

    assert cancelled.status_code == 302
    assert again.status_code == 409
    assert "Deze mail staat niet meer gepland." in again.content.decode()
    assert ScheduledMail.objects.get().state == "cancelled"
    assert OutboundEmail.objects.filter(kind=scheduling.REMINDER_KIND).count() == 0


def test_counts_on_the_list_and_the_dashboard(
    event, programme, make_attendee, staff_client, django_capture_on_commit_callbacks
):
    people = [make_attendee(n, programme["raad"]) for n in (1, 2, 3)]
    sent = scheduling.plan_reminder(event)
    planned = scheduling.plan(event, send_at=at(8, 0))
    with time_machine.travel(at(9, 0, days=-2), tick=False), django_capture_on_commit_callbacks(execute=True):
        scheduling.send_due()
    # Of the three mails, one failed for good and one waits for another attempt.
    failing = OutboundEmail.objects.get(registration=people[2], kind=scheduling.REMINDER_KIND)
    OutboundEmail.objects.filter(pk=failing.pk).update(sent_at=None, attempts=8)
    waiting = OutboundEmail.objects.get(registration=people[1], kind=scheduling.REMINDER_KIND)
    OutboundEmail.objects.filter(pk=waiting.pk).update(sent_at=None, attempts=0)

    figures = stats(event)["scheduled_mails"]
    listing = staff_client.get(PAGE).content.decode()
    dashboard = staff_client.get("/dashboard/").content.decode()

    assert figures == {
        "planned": 1,
        "next_at": at(8, 0).isoformat(),  # with Amsterdam's offset
        "queued": 1,
        "sent": 1,
        "failed": 1,
    }
    assert f'data-scheduled="{sent.pk}"' in listing and f'data-scheduled="{planned.pk}"' in listing
    assert '<span data-field="sent">1</span> verstuurd' in listing
    assert '<span data-field="failed">1</span> mislukt' in listing
    assert 'id="scheduled-mails"' in dashboard
    assert '<strong data-scheduled-field="planned">1</strong>' in dashboard
    assert '<strong data-scheduled-field="failed">1</strong>' in dashboard
    assert "08:00" in dashboard
