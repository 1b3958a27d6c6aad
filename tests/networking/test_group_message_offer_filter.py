"""Networking's filter in the audience of a message to a group (events.messaging.audiences): the
attendees whose municipality has a place for an offer. The core finds it through its registry."""

import pytest

from events.errors import InvalidInput
from events.messaging import audiences, services
from events.messaging.models import GroupMessage, GroupMessageRecipient
from events.messaging.services import Audience
from networking.audiences import registrations
from networking.models import Signup


def names(people) -> list[str]:
    return [person.last_name for person in people]


def sign_up(offer, municipality, status=Signup.Status.ACCEPTED) -> Signup:
    return Signup.objects.create(offer=offer, municipality=municipality, reference="S-1", status=status)


def test_the_core_finds_networkings_filter_in_its_registry(offers):
    offer_filter = audiences.by_key()["offer"]

    assert (offer_filter.key, offer_filter.registrations) == ("offer", registrations)
    assert offer_filter.choices(offers["quick-scan"].event)[:2] == [
        (str(offers["netwerk-digitale-democratie"].pk), "Netwerk Lokale Digitale Democratie"),
        (str(offers["quick-scan"].pk), "Quick Scan Lokale Democratie"),
    ]


def test_by_offer_signup_of_the_municipality(event, offers, make_attendee, municipalities):
    scan = offers["quick-scan"]
    sign_up(scan, municipalities["GM0307"])
    sign_up(scan, municipalities["GM0599"], status=Signup.Status.WAITLISTED)
    sign_up(offers["ontwikkeltraject"], municipalities["GM0363"])
    make_attendee(1)  # Amersfoort: accepted
    make_attendee(2, municipality=municipalities["GM0599"])  # Rotterdam: only waitlisted
    make_attendee(3, municipality=municipalities["GM0363"])  # Amsterdam: another offer
    make_attendee(4, role="griffier")  # Amersfoort

    audience = Audience(extra=(("offer", str(scan.pk)),))
    assert names(services.recipients(event, audience)) == ["1", "4"]
    assert names(services.recipients(event, Audience(role="griffier", extra=(("offer", str(scan.pk)),)))) == [
        "4"
    ]


def test_a_message_by_offer_keeps_the_filter(event, offers, make_attendee, municipalities):
    scan = offers["quick-scan"]
    sign_up(scan, municipalities["GM0307"])
    one = make_attendee(1)
    make_attendee(2, municipality=municipalities["GM0363"])

    message = services.send_to_group(
        event, subject="Quick scan", body="Welkom", audience=Audience(extra=(("offer", str(scan.pk)),))
    )

    assert message.audience == {"offer": str(scan.pk)}
    assert list(GroupMessageRecipient.objects.values_list("registration", flat=True)) == [one.pk]


def test_an_offer_of_no_such_kind_is_refused(event, offers, make_attendee):
    make_attendee(1)

    with pytest.raises(InvalidInput):
        services.send_to_group(
            event, subject="Hallo", body="Welkom", audience=Audience(extra=(("offer", "x"),))
        )

    assert GroupMessage.objects.count() == 0


def test_the_organisers_form_shows_and_uses_the_offer_choice(
    staff_client, event, offers, make_attendee, municipalities
):
    scan = offers["quick-scan"]
    sign_up(scan, municipalities["GM0307"])
    one = make_attendee(1)
    make_attendee(2, municipality=municipalities["GM0363"])

    page = staff_client.get("/dashboard/berichten/").content.decode()
    assert 'name="extra_offer"' in page and "Quick Scan Lokale Democratie" in page
    form = {
        "subject": "Quick scan",
        "body": "Welkom",
        "extra_offer": str(scan.pk),
        "action": "send",
        "expected": "1",
        "csrfmiddlewaretoken": staff_client.cookies["csrftoken"].value,
    }
    response = staff_client.post("/dashboard/berichten/", form)

    assert (response.status_code, GroupMessage.objects.get().audience) == (302, {"offer": str(scan.pk)})
    assert list(GroupMessageRecipient.objects.values_list("registration", flat=True)) == [one.pk]
