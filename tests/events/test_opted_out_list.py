"""The organisers' list of who opted out of messages to a group (/dashboard/berichten/afgemeld/):
name, municipality and moment on the event's clock, the count, linked from the messages page,
staff only; the same list among the exports."""

from django.test import Client

from events import services as core
from events.messaging import services
from events.messaging.models import MessageOptOut
from tests.clock import at, dutch_date, event_day

PAGE = "/dashboard/berichten/afgemeld/"


def opted_out_at(registration, moment) -> None:
    services.opt_out(registration)
    MessageOptOut.objects.filter(registration=registration).update(opted_out_at=moment)


def test_the_list_shows_who_opted_out_when_on_the_events_clock(staff_client, event, programme, make_attendee):
    make_attendee(1, programme["raad"])
    # Half past midnight in Amsterdam is the evening before in UTC: the page shows Amsterdam's day.
    opted_out_at(make_attendee(2, programme["raad"]), at(0, 30, days=-10))
    opted_out_at(
        make_attendee(3, programme["raad"], municipality=None, organisation="Kennisinstituut"),
        at(14, 5, days=-2),
    )
    cancelled = make_attendee(4, programme["raad"])
    opted_out_at(cancelled, at(9, days=-3))
    core.cancel_registration(cancelled)

    response = staff_client.get(PAGE)

    html = response.content.decode()
    rows = [row.split("</td><td>") for row in html.split("<tr><td>")[1:]]
    assert response.status_code == 200
    assert "2 personen hebben zich afgemeld voor berichten aan een groep." in html
    assert [row[:2] for row in rows] == [["Deelnemer 3", "Kennisinstituut"], ["Deelnemer 2", "Amersfoort"]]
    assert f"{dutch_date(event_day(-10))} 00:30</time>" in rows[1][2]
    assert f"{dutch_date(event_day(-2))} 14:05</time>" in rows[0][2]


def test_the_messages_page_links_to_it_with_the_count(staff_client, event, programme, make_attendee):
    services.opt_out(make_attendee(1, programme["raad"]))

    html = staff_client.get("/dashboard/berichten/").content.decode()

    assert f'<a href="{PAGE}">1 persoon heeft zich afgemeld voor berichten</a>' in html


def test_nobody_opted_out(staff_client, event):
    html = staff_client.get(PAGE).content.decode()

    assert "0 personen hebben zich afgemeld voor berichten aan een groep." in html
    assert "<table>" not in html


def test_only_staff_see_it(client, django_user_model, event, programme, make_attendee):
    services.opt_out(make_attendee(1, programme["raad"]))
    attendee_account = Client()
    attendee_account.force_login(django_user_model.objects.create_user("deelnemer", password="x" * 16))

    for visitor in (client, attendee_account):
        response = visitor.get(PAGE)
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/admin/login/")
        assert "Deelnemer 1" not in response.content.decode()


def test_the_list_is_among_the_exports(staff_client, event, programme, make_attendee):
    opted_out_at(make_attendee(1, programme["raad"]), at(0, 30, days=-10))

    response = staff_client.get("/dashboard/export/opt_outs.csv")

    lines = response.content.decode("utf-8-sig").splitlines()
    assert response.status_code == 200
    assert lines == [
        "Naam;Gemeente of organisatie;Kenmerk;Afgemeld op",
        f"Deelnemer 1;Amersfoort;{MessageOptOut.objects.get().registration.reference};"
        f"{event_day(-10).isoformat()} 00:30:00",
    ]
