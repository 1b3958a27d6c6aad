"""The organisers' desk (issue 14): at /balie/, in their own session, an organiser finds a person,
fixes a name or a role, sends the confirmation or the private link again, prints a badge and looks
at a delegation; /balie/telefonisch/ registers someone who phones in, through the registration
service, without checking them in. Every change is in the audit trail, by the organiser."""

import pytest
from django.core import mail
from django.test import Client

from checkin.models import BadgePrint, CheckIn, Device, Scan
from checkin.services import check_in_and_print, create_device
from events import services
from events.errors import RegistrationError
from events.models import Booking, OutboundEmail, Registration
from tests.factories import amersfoort_delegation, delegation_member, registration_form_data
from tests.support import paired_browser, trail

pytestmark = pytest.mark.django_db

DESK = "/balie/"
CORRECT = "/balie/corrigeren/"
RESEND = "/balie/opnieuw-sturen/"
PHONE_IN = "/balie/telefonisch/"


def csrf_of(client: Client) -> str:
    if "csrftoken" not in client.cookies:
        client.get(DESK)
    return client.cookies["csrftoken"].value


def post(client: Client, path: str, data: dict):
    return client.post(path, {**data, "csrfmiddlewaretoken": csrf_of(client)})


def phone_in_data(programme, **overrides) -> dict:
    """Fatima from Rotterdam phones in: what the registration page posts (the phone-in form has no
    privacy box, so that one is ignored), with a workshop in each round."""
    second = {f"round-{programme['rounds']['second'].pk}": str(programme["digital"].pk)}
    return registration_form_data(programme, **{**second, **overrides})


def test_a_name_and_role_fixed_at_the_desk_are_stored_audited_and_on_the_next_badge(
    staff_client, make_attendee
):
    person = make_attendee(1, first_name="Gretje")
    found = staff_client.get(DESK, {"q": "gretje"}).content.decode()
    assert (person.reference in found, "Naam of rol corrigeren" in found) == (True, True)

    fixed = post(
        staff_client,
        CORRECT,
        {
            "reference": person.reference,
            "first_name": " Greetje ",
            "last_name": "de Boer",
            "role": "wethouder",
        },
    )

    assert (fixed.status_code, fixed["Location"]) == (302, f"{DESK}?q={person.reference}&gedaan=corrected")
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.role) == ("Greetje", "de Boer", "wethouder")
    assert trail(action="registration.corrected") == [
        (
            "registration.corrected",
            f"{person.reference} Greetje de Boer",
            "site",
            "organisator",
            {
                "first_name": ["Gretje", "Greetje"],
                "last_name": ["1", "de Boer"],
                "role": ["raadslid", "wethouder"],
            },
        )
    ]
    after = staff_client.get(fixed["Location"]).content.decode()
    assert "De correctie is opgeslagen; de badge toont die bij de volgende afdruk." in after
    badge = post(staff_client, "/balie/opnieuw/", {"reference": person.reference, "layout": "62mm"})
    label = badge.content.decode()
    assert (badge.status_code, "Greetje de Boer" in label, "Wethouder" in label) == (200, True, True)


def test_a_correction_that_changes_nothing_leaves_the_trail_alone(staff_client, make_attendee):
    person = make_attendee(1)
    same = {"reference": person.reference, "first_name": "Deelnemer", "last_name": "1", "role": "raadslid"}
    assert post(staff_client, CORRECT, same).status_code == 302
    assert trail(action="registration.corrected") == []


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("first_name", "   ", "Dit veld is verplicht."),
        ("last_name", "", "Dit veld is verplicht."),
        ("role", "keizer", "Selecteer een geldige keuze. keizer is geen beschikbare keuze."),
        ("first_name", "Greet\nje", None),
    ],
)
def test_a_bad_correction_is_said_on_its_field_and_nothing_is_stored(
    staff_client, make_attendee, field, value, error
):
    person = make_attendee(1)
    data = {
        "reference": person.reference,
        "first_name": "Greetje",
        "last_name": "de Boer",
        "role": "wethouder",
    }

    refused = post(staff_client, CORRECT, {**data, field: value})

    html = refused.content.decode()
    field_id = f"fix-{person.pk}-{field}"
    assert refused.status_code == 422
    assert f'aria-describedby="{field_id}_error"' in html
    assert f'id="{field_id}_error"' in html
    if error:
        assert error in html
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.role) == ("Deelnemer", "1", "raadslid")
    assert trail(action="registration.corrected") == []


def test_the_service_refuses_an_empty_name_or_an_unknown_role(make_attendee):
    person = make_attendee(1)
    with pytest.raises(RegistrationError) as empty:
        services.correct_person(person, first_name=" ", last_name="de Boer", role="wethouder")
    with pytest.raises(RegistrationError) as unknown:
        services.correct_person(person, first_name="Greetje", last_name="de Boer", role="keizer")
    assert (empty.value.code, empty.value.field, unknown.value.code, unknown.value.field) == (
        "name_required",
        "first_name",
        "unknown_role",
        "role",
    )
    assert trail(action="registration.corrected") == []


def test_the_organisers_work_is_refused_to_visitors_scanners_and_paired_desks(
    client, event, make_attendee, scanner
):
    person = make_attendee(1)
    desk, _token = create_device(event=event, name="Balie hal", kind=Device.Kind.DESK)
    paired = paired_browser(desk)
    data = {
        "reference": person.reference,
        "first_name": "Greetje",
        "last_name": "de Boer",
        "role": "wethouder",
    }
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {scanner[1]}"}

    answers = [
        client.post(CORRECT, data).status_code,
        client.post(RESEND, {"reference": person.reference, "what": "link"}).status_code,
        client.get(PHONE_IN).status_code,
        client.post(CORRECT, data, **bearer).status_code,
        client.get(PHONE_IN, **bearer).status_code,
        post(paired, CORRECT, data).status_code,
        post(paired, RESEND, {"reference": person.reference, "what": "confirmation"}).status_code,
        paired.get(PHONE_IN).status_code,
        paired.get(f"{PHONE_IN}{person.reference}/").status_code,
    ]

    assert answers == [302] * 9
    # The paired desk keeps its scan field, without the organisers' search.
    desk_page = paired.get(DESK, {"q": "Deelnemer"}).content.decode()
    assert ("desk-code" in desk_page, "Iemand zoeken" in desk_page, person.reference in desk_page) == (
        True,
        False,
        False,
    )
    person.refresh_from_db()
    assert person.first_name == "Deelnemer"
    assert trail(action="registration.corrected") == []


@pytest.mark.parametrize(
    ("what", "kind"), [("confirmation", "registration_confirmation"), ("link", "registration_links")]
)
def test_the_confirmation_or_the_private_link_is_sent_again_from_the_desk(
    staff_client, make_attendee, django_capture_on_commit_callbacks, what, kind
):
    person = make_attendee(1)
    csrf_of(staff_client)
    mail.outbox.clear()
    queued_before = OutboundEmail.objects.filter(registration=person, kind=kind).count()

    with django_capture_on_commit_callbacks(execute=True):
        sent = post(staff_client, RESEND, {"reference": person.reference, "what": what})

    assert (sent.status_code, sent["Location"]) == (302, f"{DESK}?q={person.reference}&gedaan={what}")
    assert OutboundEmail.objects.filter(registration=person, kind=kind).count() == queued_before + 1
    assert [message.to for message in mail.outbox] == [[person.email]]
    assert person.manage_token in mail.outbox[0].body
    action = {"confirmation": "registration.confirmation_resent", "link": "registration.link_resent"}[what]
    assert [(door, actor) for _action, _obj, door, actor, _changes in trail(action=action)] == [
        ("site", "organisator")
    ]


def test_nothing_is_sent_for_a_cancelled_or_unknown_reference_or_an_unknown_kind(staff_client, make_attendee):
    person = make_attendee(1)
    cancelled = make_attendee(2)
    services.cancel_registration(cancelled)
    queued = OutboundEmail.objects.count()

    answers = [
        post(staff_client, RESEND, {"reference": cancelled.reference, "what": "link"}).status_code,
        post(staff_client, RESEND, {"reference": "DLD-NIEMAND", "what": "confirmation"}).status_code,
        post(staff_client, RESEND, {"reference": person.reference, "what": "everything"}).status_code,
    ]

    assert answers == [404, 404, 422]
    assert OutboundEmail.objects.count() == queued


def test_a_phone_in_is_registered_with_mail_and_seats_and_not_checked_in(
    staff_client, programme, django_capture_on_commit_callbacks
):
    form = staff_client.get(PHONE_IN).content.decode()
    assert ('id="phone-first_name"' in form, "autofocus" in form, 'data-shortcut="b"' in form) == (
        True,
        True,
        True,
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answer = post(staff_client, PHONE_IN, phone_in_data(programme))

    registration = Registration.objects.get(email="fatima@rotterdam.example")
    assert (answer.status_code, answer["Location"]) == (302, f"{PHONE_IN}{registration.reference}/")
    assert (registration.status, registration.role, registration.municipality.code) == (
        "confirmed",
        "griffier",
        "GM0599",
    )
    assert registration.address_verified  # the organiser vouches for the address heard
    assert sorted(registration.bookings.values_list("workshop__slug", "status")) == [
        ("digitale-participatie", "booked"),
        ("klein-gezelschap", "booked"),
    ]
    assert list(OutboundEmail.objects.filter(registration=registration).values_list("kind", flat=True)) == [
        "registration_confirmation"
    ]
    assert [message.to for message in mail.outbox] == [["fatima@rotterdam.example"]]
    assert (Scan.objects.count(), CheckIn.objects.count(), BadgePrint.objects.count()) == (0, 0, 0)
    assert [
        (action, actor) for action, _obj, _door, actor, _changes in trail(action="registration.created")
    ] == [("registration.created", "organisator")]

    result = staff_client.get(answer["Location"]).content.decode()
    assert f"aangemeld met referentie {registration.reference}" in result
    assert "Klein Gezelschap, Zaal B: <strong>plaats</strong>" in result
    assert "Badge afdrukken" in result


def test_a_phone_in_for_a_full_workshop_joins_its_waiting_list(staff_client, programme, make_attendee):
    make_attendee(1, programme["small"])
    make_attendee(2, programme["small"])

    answer = post(staff_client, PHONE_IN, phone_in_data(programme))

    registration = Registration.objects.get(email="fatima@rotterdam.example")
    assert registration.bookings.get(workshop=programme["small"]).status == Booking.Status.WAITLISTED
    assert "wachtlijst, nummer 1" in staff_client.get(answer["Location"]).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "described_by", "error"),
    [
        ({"first_name": ""}, "first_name", "phone-first_name_error", "Dit veld is verplicht."),
        (
            {"role": "keizer"},
            "role",
            "phone-role_error",
            "Selecteer een geldige keuze. keizer is geen beschikbare keuze.",
        ),
        ({"email": "geen-adres"}, "email", "phone-email_error", "Voer een geldig e-mailadres in."),
        (
            {"municipality": "", "organisation": ""},
            "organisation",
            "phone-organisation_helptext phone-organisation_error",
            "Kies uw gemeente, of vul de organisatie in waar u vandaan komt.",
        ),
    ],
)
def test_a_bad_phone_in_is_said_on_its_field_and_nothing_is_stored(
    staff_client, programme, overrides, field, described_by, error
):
    refused = post(staff_client, PHONE_IN, phone_in_data(programme, **overrides))

    html = refused.content.decode()
    assert refused.status_code == 422
    assert f'aria-describedby="{described_by}" id="phone-{field}"' in html
    assert f'id="phone-{field}_error">{error}</p>' in html
    assert (Registration.objects.count(), OutboundEmail.objects.count(), Booking.objects.count()) == (0, 0, 0)


def test_two_workshops_in_one_round_are_refused(staff_client, programme):
    data = phone_in_data(programme)
    data = {key: value for key, value in data.items() if not key.startswith("round-")}
    data["workshops"] = [str(programme["raad"].pk), str(programme["small"].pk)]

    refused = post(staff_client, PHONE_IN, data)

    assert refused.status_code == 422
    assert "Kies per ronde hoogstens één workshop." in refused.content.decode()
    assert 'id="phone-workshops_error"' in refused.content.decode()
    assert (Registration.objects.count(), Booking.objects.count()) == (0, 0)


def test_a_phone_in_for_a_full_event_or_a_known_address_is_refused(
    staff_client, event, programme, make_attendee
):
    make_attendee(1)
    taken = post(staff_client, PHONE_IN, phone_in_data(programme, email="deelnemer1@x.example"))
    event.capacity = 1
    event.save()
    full = post(staff_client, PHONE_IN, phone_in_data(programme))

    assert (taken.status_code, full.status_code) == (422, 422)
    assert "Met dit e-mailadres is al iemand aangemeld." in taken.content.decode()
    assert 'id="phone-email_error"' in taken.content.decode()
    assert "Het evenement is vol." in full.content.decode()
    assert (Registration.objects.count(), Booking.objects.count()) == (1, 0)


def test_the_desk_shows_a_delegation_with_its_members_states(staff_client, event, programme, staff_user):
    delegation, _token, members = amersfoort_delegation(
        event,
        delegation_member("Raad", "Lid", programme["raad"], email="lid@amersfoort.example"),
        delegation_member("Wim", "Wethouder", programme["digital"], role="wethouder"),
    )
    coordinator, raad, wethouder = (registration for registration, _token in members)
    check_in_and_print(event=event, code=raad.reference, layout="62mm", user=staff_user)
    services.cancel_registration(wethouder)

    html = staff_client.get(DESK, {"q": raad.reference}).content.decode()

    assert "Delegatie bekijken" in html
    assert f"Delegatie {delegation.reference} van Amersfoort" in html
    assert "Coördinator: Griet Griffier (Griffier)" in html
    items = html.split('<li data-reference="')[1:]
    shown = [" ".join(item.split("</li>")[0].replace("<br>", " ").split()) for item in items]
    assert shown == [
        f'{coordinator.reference}"><strong>Griet Griffier</strong> (coördinator) · {coordinator.reference} '
        "bevestigd · nog niet aangekomen Workshops: —",
        f'{raad.reference}"><strong>Raad Lid</strong> · {raad.reference} bevestigd · aangekomen Workshops: Sterke Raad',
        f'{wethouder.reference}"><strong>Wim Wethouder</strong> · {wethouder.reference} '
        "geannuleerd · nog niet aangekomen Workshops: —",
    ]
