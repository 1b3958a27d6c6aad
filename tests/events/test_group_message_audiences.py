"""The audience of a message to a group by round, province and delegation, through the service and
the organisers' form; bad choices are refused with nothing stored."""

import pytest

from events.errors import InvalidInput
from events.messaging import services
from events.messaging.models import GroupMessage, GroupMessageRecipient
from events.messaging.services import Audience
from events.models import Delegation, OutboundEmail


def names(people) -> list[str]:
    return [person.last_name for person in people]


def delegation_of(event, municipality, *members) -> Delegation:
    delegation = Delegation.objects.create(
        event=event,
        reference="D-TEST1",
        municipality=municipality,
        first_name="Greet",
        last_name="Griffier",
        email="griffie@x.example",
        role="griffier",
        manage_token="t" * 43,
        manage_token_hash="h" * 64,
    )
    for member in members:
        member.delegation = delegation
        member.save(update_fields=["delegation"])
    return delegation


def test_by_round_of_a_seat(event, programme, make_attendee):
    make_attendee(1, programme["raad"])
    make_attendee(2, programme["digital"])
    make_attendee(3, programme["small"], programme["digital"])
    make_attendee(4)

    first, second = programme["rounds"]["first"], programme["rounds"]["second"]
    assert names(services.recipients(event, Audience(round=first.pk))) == ["1", "3"]
    assert names(services.recipients(event, Audience(round=second.pk))) == ["2", "3"]


def test_a_waitlisted_place_is_no_seat_in_the_round(event, programme, make_attendee):
    make_attendee(1, programme["small"])
    make_attendee(2, programme["small"])
    make_attendee(3, programme["small"])  # small has two seats: waits

    assert names(services.recipients(event, Audience(round=programme["rounds"]["first"].pk))) == ["1", "2"]


def test_by_province_of_the_municipality(event, programme, make_attendee, municipalities):
    make_attendee(1)  # Amersfoort, Utrecht
    make_attendee(2, municipality=municipalities["GM0363"])  # Amsterdam, Noord-Holland
    make_attendee(3, municipality=municipalities["GM0599"])  # Rotterdam, Zuid-Holland
    make_attendee(4, municipality=municipalities["GM0518"])  # Den Haag, Zuid-Holland

    assert names(services.recipients(event, Audience(province="Zuid-Holland"))) == ["3", "4"]
    assert names(services.recipients(event, Audience(province="Utrecht"))) == ["1"]
    assert names(services.recipients(event, Audience(province="Zeeland"))) == []


def test_by_delegation(event, programme, make_attendee, municipalities):
    one, _two, three = make_attendee(1), make_attendee(2), make_attendee(3)
    delegation = delegation_of(event, municipalities["GM0307"], one, three)

    assert names(services.recipients(event, Audience(delegation=delegation.pk))) == ["1", "3"]
    assert names(services.recipients(event, Audience(delegation=delegation.pk, role="griffier"))) == []


def test_the_recipients_are_stored_with_the_message(event, programme, make_attendee):
    one = make_attendee(1, programme["raad"])
    make_attendee(2, programme["digital"])
    three = make_attendee(3, programme["raad"])

    message = services.send_to_group(
        event, subject="Ronde 1", body="Welkom", audience=Audience(round=programme["rounds"]["first"].pk)
    )
    make_attendee(4, programme["raad"])  # registers afterwards

    rows = GroupMessageRecipient.objects.filter(message=message).order_by("registration__last_name")
    assert [(row.registration, row.email.to, row.email.context) for row in rows] == [
        (one, one.email, {"message": message.pk}),
        (three, three.email, {"message": message.pk}),
    ]
    assert message.audience == {"round": programme["rounds"]["first"].pk}
    assert OutboundEmail.objects.filter(kind="group_message").count() == 2


def test_an_unknown_filter_of_another_app_is_refused(event, programme, make_attendee):
    make_attendee(1)

    with pytest.raises(InvalidInput) as refused:
        services.send_to_group(
            event, subject="Hallo", body="Welkom", audience=Audience(extra=(("nope", "1"),))
        )

    assert list(refused.value.errors) == ["__all__"]
    assert (GroupMessage.objects.count(), OutboundEmail.objects.filter(kind="group_message").count()) == (
        0,
        0,
    )


@pytest.mark.parametrize(
    "choice",
    [{"round": "999999"}, {"province": "Atlantis"}, {"delegation": "999999"}, {"extra_offer": "999999"}],
)
def test_the_form_refuses_unknown_choices_with_422(staff_client, event, programme, make_attendee, choice):
    make_attendee(1)
    staff_client.get("/dashboard/berichten/")
    form = {
        "subject": "Hallo",
        "body": "Welkom",
        "action": "send",
        "expected": "1",
        "csrfmiddlewaretoken": staff_client.cookies["csrftoken"].value,
        **choice,
    }

    response = staff_client.post("/dashboard/berichten/", form)

    assert (
        response.status_code,
        GroupMessage.objects.count(),
        OutboundEmail.objects.filter(kind="group_message").count(),
    ) == (422, 0, 0)


def test_the_form_sends_by_province(staff_client, event, programme, make_attendee, municipalities):
    make_attendee(1)
    two = make_attendee(2, municipality=municipalities["GM0599"])
    staff_client.get("/dashboard/berichten/")
    form = {
        "subject": "Hallo Zuid-Holland",
        "body": "Welkom",
        "province": "Zuid-Holland",
        "csrfmiddlewaretoken": staff_client.cookies["csrftoken"].value,
    }

    preview = staff_client.post("/dashboard/berichten/", {**form, "action": "preview"})
    assert "Dit bericht gaat naar 1 persoon" in preview.content.decode()
    sent = staff_client.post("/dashboard/berichten/", {**form, "action": "send", "expected": "1"})

    message = GroupMessage.objects.get()
    assert (sent.status_code, message.audience) == (302, {"province": "Zuid-Holland"})
    assert list(GroupMessageRecipient.objects.values_list("registration", flat=True)) == [two.pk]
