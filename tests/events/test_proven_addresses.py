"""An e-mail address counts only once its owner proves it: registering with someone else's address
gains nothing, the owner takes over by confirming, seats of unproven registrations are held for a
while only, and a lost link can be sent again without telling anyone who registered."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.errors import RegistrationError
from events.models import Booking, OutboundEmail, Registration
from networking import services as networking_services
from networking.models import Offer, SignupContact
from tests.concurrency import race
from tests.factories import registration_payload
from tests.support import post_json, requires_postgres

# Mails go out when their change commits: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

VERIFY_LINK = re.compile(r"http://127\.0\.0\.1:8000/bevestig/([\w-]+)/")


def verify_token(to: str) -> str:
    """The verification token of the last mail to `to` that carries one."""
    for message in reversed(mail.outbox):
        if message.to == [to] and (found := VERIFY_LINK.search(message.body)):
            return found.group(1)
    raise AssertionError(f"no verification link mailed to {to}")


@pytest.fixture
def signup_contact(event, municipalities):
    """Amersfoort signed up for the network by its clerk, whose address someone else will use."""
    offer = Offer.objects.create(
        event=event, slug="netwerk-digitale-democratie", title="Netwerk", places=None
    )
    networking_services.sign_up(
        event=event,
        municipality=municipalities["GM0307"],
        contact_name="Griet Griffier",
        contact_email="griffie@amersfoort.example",
        offers=[offer],
        consent=True,
    )
    return "griffie@amersfoort.example"


def test_the_confirmation_carries_a_one_time_link_that_is_not_the_private_link(make_attendee):
    registration = make_attendee(1)
    token = verify_token(registration.email)
    assert token != registration.manage_token
    assert (registration.address_verified, registration.address_token_hash != "") == (False, True)


def test_someone_elses_address_shows_and_erases_nothing_found_by_it(client, make_attendee, signup_contact):
    impostor = make_attendee(1, email=signup_contact, first_name="Mallory")

    export = client.get(f"/r/{impostor.manage_token}/gegevens.json").json()
    assert (export["municipality_signups"], [c["purpose"] for c in export["consents"]]) == (
        [],
        ["privacy_statement"],
    )
    services.erase_registration(impostor)
    assert list(SignupContact.objects.values_list("email", flat=True)) == [signup_contact]


def test_opening_the_link_shows_a_button_and_only_posting_it_proves(client, make_attendee):
    registration = make_attendee(1)
    token = verify_token(registration.email)

    page = client.get(f"/bevestig/{token}/")
    assert page.status_code == 200
    registration.refresh_from_db()
    assert registration.address_verified is False  # a mail scanner opening links changes nothing

    response = client.post(f"/bevestig/{token}/")
    assert response["Location"] == f"/r/{registration.manage_token}/?bevestigd=1"
    registration.refresh_from_db()
    assert (registration.address_verified, registration.address_token_hash) == (True, "")
    assert client.post(f"/bevestig/{token}/").status_code == 404  # once


def test_whoever_proves_the_address_takes_over(client, make_attendee, programme, signup_contact):
    impostor = make_attendee(1, programme["small"], email=signup_contact, first_name="Mallory")
    make_attendee(2, programme["small"])
    waiting = make_attendee(3, programme["small"])
    owner = make_attendee(4, email=signup_contact, first_name="Griet")
    token = verify_token_of(owner)
    mail.outbox.clear()

    services.verify_address(token)

    impostor.refresh_from_db()
    owner.refresh_from_db()
    assert (impostor.status, owner.address_verified) == ("cancelled", True)
    assert waiting.bookings.get().status == "booked"  # the freed seat went to the first in line
    (cancelled_mail,) = [m for m in mail.outbox if impostor.reference in m.subject]
    assert owner.reference in cancelled_mail.body
    export = client.get(f"/r/{owner.manage_token}/gegevens.json").json()
    assert [s["contact_email"] for s in export["municipality_signups"]] == [signup_contact]


def verify_token_of(registration: Registration) -> str:
    """The token mailed for this registration (its confirmation is the last mail to the address)."""
    for message in reversed(mail.outbox):
        if message.to == [registration.email] and registration.reference in message.subject:
            return VERIFY_LINK.search(message.body).group(1)
    raise AssertionError("no confirmation")


def test_the_second_confirmation_names_the_first_registration(make_attendee):
    first = make_attendee(1, email="anna@x.example")
    mail.outbox.clear()
    make_attendee(2, email="ANNA@x.example")
    (message,) = mail.outbox
    assert f"{first.reference} (Deelnemer 1): http://127.0.0.1:8000/r/{first.manage_token}/" in message.body


def test_organisers_and_desks_register_proven_addresses_and_hear_of_a_taken_one(event, municipalities):
    data = {
        "event": event,
        "first_name": "Piet",
        "last_name": "Desk",
        "role": "raadslid",
        "organisation": "VNG",
    }
    by_organiser, _ = services.register(**data, email="piet@x.example", by_organiser=True)
    at_desk, _ = services.register(**data, email="klaas@x.example", proven=True)
    assert (by_organiser.address_verified, at_desk.address_verified) == (True, True)
    with pytest.raises(RegistrationError) as refused:
        services.register(**data, email="PIET@x.example", proven=True)
    assert refused.value.code == "email_taken"


def test_unproven_seats_go_to_the_waitlist_after_the_proof_period(make_attendee, programme, settings):
    settings.ADDRESS_PROOF_HOURS = 48
    unproven = make_attendee(1, programme["small"])
    proven = make_attendee(2, programme["small"])
    services.verify_address(verify_token_of(proven))
    waiting = make_attendee(3, programme["small"])
    services.verify_address(verify_token_of(waiting))
    later = timezone.now() + timedelta(hours=47)
    assert services.release_unproven_seats(now=later) == 0

    assert services.release_unproven_seats(now=later + timedelta(hours=2)) == 1
    assert services.release_unproven_seats(now=later + timedelta(hours=3)) == 0  # once
    unproven.refresh_from_db()
    assert (unproven.status, unproven.seats_released_at is not None, unproven.bookings.count()) == (
        "confirmed",
        True,
        0,
    )
    assert list(
        Booking.objects.filter(workshop=programme["small"]).values_list("registration", "status")
    ) == [
        (proven.pk, "booked"),
        (waiting.pk, "booked"),
    ]
    assert list(OutboundEmail.objects.filter(kind="seats_released").values_list("to", flat=True)) == [
        unproven.email
    ]


def test_a_proof_period_of_zero_holds_the_seats(make_attendee, programme, settings):
    settings.ADDRESS_PROOF_HOURS = 0
    make_attendee(1, programme["small"])
    assert services.release_unproven_seats(now=timezone.now() + timedelta(days=30)) == 0


def test_resend_answers_202_whether_or_not_the_address_is_known(api, make_attendee):
    registration = make_attendee(1)
    mail.outbox.clear()
    known = post_json(api, "/api/v1/registrations/resend", {"email": registration.email.upper()})
    unknown = post_json(api, "/api/v1/registrations/resend", {"email": "nobody@x.example"})
    assert (known.status_code, unknown.status_code) == (202, 202)
    assert known.json() == unknown.json()
    (message,) = mail.outbox
    assert message.to == [registration.email]
    assert f"/r/{registration.manage_token}/" in message.body
    assert VERIFY_LINK.search(message.body)  # not proven yet: a new confirmation link


def test_resend_mails_an_address_a_few_times_an_hour_at_most(api, make_attendee, settings):
    settings.RATE_LIMITS_ENABLED = True
    registration = make_attendee(1)
    mail.outbox.clear()
    answers = [
        post_json(api, "/api/v1/registrations/resend", {"email": registration.email}).status_code
        for _ in range(5)
    ]
    assert (answers, len(mail.outbox)) == ([202] * 5, 3)


def test_the_resend_page_says_the_same_for_every_address(client, make_attendee):
    registration = make_attendee(1)
    known = client.post("/aanmelden/link/", {"email": registration.email}).content.decode()
    unknown = client.post("/aanmelden/link/", {"email": "nobody@x.example"}).content.decode()
    # The CSRF token is masked anew on every page; everything else must be the same.
    def page(html, email):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html).replace(email, "X")

    assert page(known, registration.email) == page(unknown, "nobody@x.example")
    assert "Als er een aanmelding is met" in known


def test_the_api_answer_says_whether_the_address_is_proven(api, programme):
    body = post_json(api, "/api/v1/registrations", registration_payload()).json()
    assert body["address_verified"] is False


@requires_postgres
def test_two_links_of_one_address_opened_at_once_prove_one_registration(make_attendee):
    first = make_attendee(1, email="anna@x.example")
    second = make_attendee(2, email="anna@x.example")
    tokens = [verify_token_of(first), verify_token_of(second)]

    results = race(lambda i: services.verify_address(tokens[i]), 2)

    errors = [result for result in results if isinstance(result, Exception)]
    assert [error.code for error in errors] == ["registration_cancelled"]
    statuses = sorted((r.status, r.address_verified) for r in Registration.objects.all())
    assert statuses == [("cancelled", False), ("confirmed", True)]
