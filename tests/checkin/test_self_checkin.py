"""The self check-in tablet at the entrance (/zelf/): a QR, or a reference with the last name,
checks the person in and prints their first badge; the screen shows only their own answer and
their first workshop (issue 15, "Self check-in kiosk")."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from checkin.errors import CheckinError
from checkin.models import BadgePrint, CheckIn, Device, Scan
from checkin.services import (
    create_device,
    new_pairing_code,
    redeem,
    reissue_badge,
    revoke_device,
    self_check_in,
    self_reprint,
)
from checkin.services.selfcheckin import same_last_name
from events import services as event_services
from events.models import AuditEntry, Registration
from events.presence import vouches_for_address
from tests.concurrency import race
from tests.support import paired_browser, requires_postgres


@pytest.fixture
def tablet(event):
    """The self check-in tablet at the entrance (its token is the pairing's business)."""
    device, _token = create_device(event=event, name="Zuil ingang", kind=Device.Kind.SELF)
    return device


@pytest.fixture
def person(make_attendee, programme):
    return make_attendee(
        1, programme["raad"], programme["digital"], first_name="Anouk", last_name="van der Berg"
    )


@pytest.fixture
def tablet_browser(tablet) -> Client:
    return paired_browser(tablet)


def post(browser: Client, path: str, data: dict, **extra):
    browser.get("/zelf/")
    return browser.post(path, {**data, "csrfmiddlewaretoken": browser.cookies["csrftoken"].value}, **extra)


def text_of(response) -> str:
    """The page's visible text, in one line."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def answer_of(response) -> str:
    """The answer section's text only."""
    html = response.content.decode()
    section = re.search(r'<section id="self-answer".*?</section>', html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", section.group(0)).split()) if section else ""


def test_a_badge_held_up_checks_in_prints_and_shows_the_first_workshop(tablet_browser, tablet, person):
    response = post(tablet_browser, "/zelf/", {"code": f"DLD1:{person.badge_secret}", "layout": "card"})

    assert response.status_code == 200
    assert answer_of(response) == (
        "Welkom, Anouk! U bent ingecheckt. Uw badge wordt afgedrukt: pak hem uit de printer. "
        "Uw eerste workshop: Sterke Raad, Zaal A, om 11:00 Klaar"
    )
    html = response.content.decode()
    assert "data-autoprint" in html and "checkin/page-card.css" in html
    assert 'data-reset-seconds="10"' in html
    checkin = CheckIn.objects.get(registration=person, workshop=None)
    printed = BadgePrint.objects.get(registration=person)
    assert (checkin.device, printed.device, printed.layout, printed.reprint) == (
        tablet,
        tablet,
        "card",
        False,
    )
    assert list(Scan.objects.values_list("status", "device")) == [("ok", tablet.pk)]


def test_a_typed_reference_needs_the_last_name_which_is_compared_loosely(tablet_browser, tablet, person):
    assert (same_last_name("van der Berg", "VAN DER BERG"), same_last_name("van der Berg", "vanderberg")) == (
        True,
        True,
    )
    assert (same_last_name("van der Berg", "Berg"), same_last_name("Özdemir", "ozdemir")) == (True, True)
    assert (same_last_name("van der Berg", "van"), same_last_name("van der Berg", " ")) == (False, False)

    response = post(
        tablet_browser, "/zelf/", {"reference": person.reference.lower(), "last_name": "Van der Berg"}
    )

    assert response.status_code == 200
    assert answer_of(response).startswith("Welkom, Anouk! U bent ingecheckt.")
    assert CheckIn.objects.filter(registration=person).count() == 1


def test_a_wrong_last_name_answers_like_an_unknown_reference_and_checks_nobody_in(tablet_browser, person):
    wrong_name = post(tablet_browser, "/zelf/", {"reference": person.reference, "last_name": "Jansen"})
    unknown = post(tablet_browser, "/zelf/", {"reference": "DLD-ZZZZ", "last_name": "Jansen"})

    assert (wrong_name.status_code, unknown.status_code) == (200, 200)
    assert (
        answer_of(wrong_name)
        == answer_of(unknown)
        == (
            "We kunnen u niet vinden. Controleer uw referentie en achternaam en probeer het opnieuw, "
            "of ga naar de balie. Klaar"
        )
    )
    assert "Anouk" not in text_of(wrong_name) and person.reference not in wrong_name.content.decode()
    assert CheckIn.objects.count() == 0
    assert list(Scan.objects.values_list("status", "registration")) == [("unknown", None), ("unknown", None)]


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"reference": "DLD-ABCD"}, 422, "Typ ook uw achternaam."),
        ({"reference": "DLD-ABCD", "last_name": "  "}, 422, "Typ ook uw achternaam."),
        ({}, 422, "Toon uw QR-code, of typ uw referentie."),
        ({"code": "x", "layout": "poster"}, 200, None),  # an unknown label falls back to the default
    ],
)
def test_bad_input_is_a_clear_answer_and_stores_nothing(tablet_browser, person, data, status, message):
    response = post(tablet_browser, "/zelf/", data)

    assert response.status_code == status
    if message:
        assert message in text_of(response)
        assert 'id="self-form"' in response.content.decode()  # still the start screen
        assert Scan.objects.count() == 0
    assert CheckIn.objects.count() == BadgePrint.objects.count() == 0


def test_a_reference_in_a_qr_code_does_not_skip_the_last_name(tablet_browser, person):
    response = post(tablet_browser, "/zelf/", {"code": person.reference})

    assert answer_of(response).startswith("We kunnen u niet vinden.")
    assert CheckIn.objects.count() == 0


def test_someone_checked_in_at_a_door_gets_their_first_badge_here(tablet_browser, event, person):
    redeem(event=event, secret=person.badge_secret)  # the entrance scanner, no badge printed

    response = post(tablet_browser, "/zelf/", {"code": person.badge_secret})

    assert answer_of(response) == (
        "U bent al binnen, Anouk. Uw badge wordt afgedrukt: pak hem uit de printer. "
        "Uw eerste workshop: Sterke Raad, Zaal A, om 11:00 Klaar"
    )
    assert (CheckIn.objects.count(), BadgePrint.objects.get().reprint) == (1, False)


def test_printed_before_it_offers_one_reprint_counted_and_audited(tablet_browser, tablet, event, person):
    post(tablet_browser, "/zelf/", {"code": person.badge_secret})

    again = post(tablet_browser, "/zelf/", {"code": person.badge_secret})

    assert answer_of(again) == (
        "U bent al binnen, Anouk. Uw eerste workshop: Sterke Raad, Zaal A, om 11:00 "
        "Uw badge is eerder al afgedrukt. Mijn badge opnieuw afdrukken Klaar"
    )
    html = again.content.decode()
    assert "data-autoprint" not in html and 'data-reset-seconds="20"' in html
    proof = re.search(r'name="proof" value="([^"]+)"', html).group(1)

    reprinted = post(tablet_browser, "/zelf/opnieuw/", {"proof": proof, "layout": "a6"})
    refused = post(tablet_browser, "/zelf/opnieuw/", {"proof": proof})

    assert reprinted.status_code == 200
    assert answer_of(reprinted).startswith("U bent al binnen, Anouk. Uw badge wordt opnieuw afgedrukt.")
    assert "data-autoprint" in reprinted.content.decode()
    assert (refused.status_code, answer_of(refused)) == (
        409,
        "Uw badge is al een keer opnieuw afgedrukt. Ga naar de balie. Klaar",
    )
    assert list(BadgePrint.objects.order_by("pk").values_list("reprint", "layout", "device")) == [
        (False, "62mm", tablet.pk),
        (True, "a6", tablet.pk),
    ]
    assert list(
        AuditEntry.objects.filter(action="badge.reprinted").values_list("object_id", "data", "device_id")
    ) == [(str(person.pk), {"reprints": 1, "layout": "a6"}, tablet.pk)]
    # Once reprinted, the answer sends them to the desk instead of offering another.
    third = post(tablet_browser, "/zelf/", {"code": person.badge_secret})
    assert "Heeft u nog een badge nodig? Ga naar de balie." in answer_of(third)
    assert 'name="proof"' not in third.content.decode()
    assert CheckIn.objects.count() == 1


def test_a_reprint_proof_is_for_its_tablet_and_cannot_be_forged(event, tablet, person):
    other = create_device(event=event, name="Zuil 2", kind=Device.Kind.SELF)[0]
    self_check_in(device=tablet, code=person.badge_secret, layout="62mm")
    proof = self_check_in(device=tablet, code=person.badge_secret, layout="62mm").reprint_proof

    for device, forged in ((other, proof), (tablet, proof + "x"), (tablet, "")):
        with pytest.raises(CheckinError) as refused:
            self_reprint(device=device, proof=forged, layout="62mm")
        assert (refused.value.code, refused.value.status) == ("reprint_expired", 410)
    assert BadgePrint.objects.filter(reprint=True).count() == 0


def test_cancelled_and_replaced_badges_are_sent_to_the_desk(tablet_browser, event, make_attendee, person):
    cancelled = make_attendee(2, last_name="Smit")
    event_services.cancel_registration(cancelled)
    old_secret = person.badge_secret
    reissue_badge(person)

    by_reference = post(tablet_browser, "/zelf/", {"reference": cancelled.reference, "last_name": "smit"})
    old_badge = post(tablet_browser, "/zelf/", {"code": old_secret})

    assert answer_of(by_reference) == (
        "Uw aanmelding is geannuleerd. Ga naar de balie: daar helpen we u verder. Klaar"
    )
    assert answer_of(old_badge) == (
        "Deze badge is vervangen door een nieuwe. Toon uw nieuwe badge, of ga naar de balie. Klaar"
    )
    assert "Anouk" not in text_of(old_badge)
    assert (CheckIn.objects.count(), BadgePrint.objects.count()) == (0, 0)
    assert sorted(Scan.objects.values_list("status", flat=True)) == ["cancelled", "replaced"]


def test_references_typed_at_a_tablet_are_limited_per_tablet(settings, event, tablet, tablet_browser, person):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "self_checkin": "2/300"}
    cache.clear()
    other_browser = paired_browser(create_device(event=event, name="Zuil 2", kind=Device.Kind.SELF)[0])

    answers = [
        post(tablet_browser, "/zelf/", {"reference": "DLD-ZZZZ", "last_name": "Jansen"}).status_code
        for _attempt in range(2)
    ]
    limited = post(tablet_browser, "/zelf/", {"reference": person.reference, "last_name": "van der Berg"})
    elsewhere = post(other_browser, "/zelf/", {"reference": person.reference, "last_name": "van der Berg"})
    badge = post(tablet_browser, "/zelf/", {"code": person.badge_secret})

    assert answers == [200, 200]
    assert (limited.status_code, answer_of(limited)) == (
        429,
        "Te veel pogingen op deze zuil. Ga naar de balie. Klaar",
    )
    # Another tablet is not limited by this one's attempts, nor is a QR code (no guess).
    assert (elsewhere.status_code, answer_of(badge).startswith("U bent al binnen")) == (200, True)
    assert CheckIn.objects.count() == 1


def test_only_a_paired_tablet_checks_in(event, tablet, person, staff_client):
    desk = create_device(event=event, name="Balie", kind=Device.Kind.DESK)[0]
    revoked = create_device(event=event, name="Oude zuil", kind=Device.Kind.SELF)[0]
    revoked_browser = paired_browser(revoked)
    revoke_device(revoked)

    for browser in (Client(), paired_browser(desk), staff_client, revoked_browser):
        page = browser.get("/zelf/")
        assert (page.status_code, "Deze browser is geen zuil voor zelf inchecken" in text_of(page)) == (
            403,
            True,
        )
        assert browser.post("/zelf/", {"code": person.badge_secret}).status_code in (403,)
        assert browser.post("/zelf/opnieuw/", {"proof": "x"}).status_code == 403
    with pytest.raises(CheckinError) as refused:
        self_check_in(device=desk, code=person.badge_secret, layout="62mm")
    assert refused.value.code == "not_self_checkin"
    assert (CheckIn.objects.count(), Scan.objects.count()) == (0, 0)


def test_a_tablet_is_no_one_in_person_and_opens_nothing_else(event, tablet_browser):
    assert tablet_browser.get("/balie/").status_code == 302  # to the login
    assert tablet_browser.get("/dashboard/apparaten/").status_code == 302
    request = tablet_browser.get("/zelf/").wsgi_request
    assert vouches_for_address(request, event_id=event.pk) is False


def test_the_start_screen_reads_qr_codes_and_takes_a_reference_in_either_language(tablet_browser):
    dutch = tablet_browser.get("/zelf/?layout=card")
    english = tablet_browser.get("/zelf/?layout=card&taal=en")
    browser_english = tablet_browser.get("/zelf/", HTTP_ACCEPT_LANGUAGE="en")

    assert dutch.status_code == english.status_code == 200
    assert "Welkom! Check hier in" in text_of(dutch)
    assert 'href="/zelf/?layout=card&amp;taal=en"' in dutch.content.decode()
    assert "Welcome! Check in here" in text_of(english) and "Last name" in text_of(english)
    assert 'data-start-url="/zelf/?layout=card"' in english.content.decode()  # the next person: Dutch
    # As on the rest of the site: Dutch unless someone picks English (config.language).
    assert '<html lang="nl">' in browser_english.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert 'name="taal" value="en"' in english.content.decode()
    assert "checkin/vendor/barcode-detector/index.js" in dutch.content.decode()
    assert "no-store" in dutch["Cache-Control"]


def test_an_english_answer(tablet_browser, person):
    response = post(tablet_browser, "/zelf/", {"code": person.badge_secret, "taal": "en"})

    assert answer_of(response) == (
        "Welcome, Anouk! You are checked in. Your badge is being printed: take it from the printer. "
        "Your first workshop: Sterke Raad, Zaal A, at 11:00 Done"
    )


def test_organisers_make_a_tablet_on_the_devices_page_and_pair_it_like_a_desk(staff_client, event):
    staff_client.get("/dashboard/apparaten/")
    made = staff_client.post(
        "/dashboard/apparaten/",
        {
            "name": "Zuil noord",
            "kind": "self",
            "csrfmiddlewaretoken": staff_client.cookies["csrftoken"].value,
        },
    )
    device = Device.objects.get(name="Zuil noord")
    browser = paired_browser(device)
    pairing = re.search(r"/scan/koppel/([^/]+)/", made.content.decode())

    assert (made.status_code, device.kind, pairing is not None) == (200, "self", True)
    assert browser.get("/zelf/").status_code == 200
    _pairing, code = new_pairing_code(device)
    page = Client().get(f"/scan/koppel/{code}/")
    assert "Deze browser koppelen" in text_of(page)


def test_the_tablet_shows_nobody_else(tablet_browser, make_attendee, programme, person):
    other = make_attendee(3, programme["raad"], first_name="Bram", last_name="Visser")

    start = tablet_browser.get("/zelf/")
    answer = post(tablet_browser, "/zelf/", {"code": person.badge_secret})

    for response in (start, answer):
        assert "Bram" not in text_of(response) and other.reference not in response.content.decode()
    assert Registration.objects.count() == 2


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_one_person_at_four_tablets_at_once_is_checked_in_and_printed_once(event, person):
    """Their QR at two tablets and their reference typed at two more, all at the same moment."""
    tablets = [create_device(event=event, name=f"Zuil {i}", kind=Device.Kind.SELF)[0] for i in range(4)]
    ways = [
        {"code": f"DLD1:{person.badge_secret}"},
        {"reference": person.reference, "last_name": "van der Berg"},
    ]

    answers = race(lambda i: self_check_in(device=tablets[i], layout="62mm", **ways[i % 2]), 4)

    assert sorted(answer.status for answer in answers) == ["already_checked_in"] * 3 + ["ok"]
    assert sorted(answer.printed is not None for answer in answers) == [False, False, False, True]
    assert (CheckIn.objects.count(), BadgePrint.objects.count(), Scan.objects.count()) == (1, 1, 4)
    # The badge is printed by the tablet whose scan checked the person in.
    assert [answer.status for answer in answers if answer.printed is not None] == ["ok"]
