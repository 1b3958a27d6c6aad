"""Kiosks and registration desks paired as devices: their browser proves that someone is there in
person (checkin.presence), so the limits per address leave them alone (issue 12 §1)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from checkin import presence
from checkin.models import Device
from checkin.services import create_device, new_pairing_code, revoke_device
from checkin.services.devices import reset as forget_all_devices
from config import ratelimit
from events.models import Registration
from events.presence import Presence, in_person
from tests.factories import (
    create_event,
    create_offers,
    registration_form_data,
    registration_payload,
    signup_payload,
)
from tests.support import post_json

TOWN_HALL = "192.0.2.80"


def csrf_of(client: Client) -> str:
    return client.cookies["csrftoken"].value


def pair_in_browser(device: Device, client: Client):
    """Open the pairing link in the browser and press its button, as the organiser does at the venue."""
    _pairing, code = new_pairing_code(device)
    page = client.get(f"/scan/koppel/{code}/")
    assert page.status_code == 200
    return client.post(f"/scan/koppel/{code}/", {"csrfmiddlewaretoken": csrf_of(client)})


def presence_of(client: Client, **kwargs) -> Presence | None:
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    request.user = AnonymousUser()
    return in_person(request, **kwargs)


def csrf_of_page(client: Client) -> str:
    client.get("/dashboard/apparaten/")
    return csrf_of(client)


def test_a_kiosk_browser_is_paired_by_a_same_site_post_and_then_is_there_in_person(event, staff_client):
    created = staff_client.post(
        "/dashboard/apparaten/",
        {
            "name": "Kiosk hal",
            "kind": "kiosk",
            "workshop": "",
            "csrfmiddlewaretoken": csrf_of_page(staff_client),
        },
    )
    assert created.status_code == 200
    device = Device.objects.get(name="Kiosk hal")
    assert device.kind == Device.Kind.KIOSK

    kiosk = Client(enforce_csrf_checks=True)
    _pairing, code = new_pairing_code(device)
    page = kiosk.get(f"/scan/koppel/{code}/")
    # Opening the link pairs nothing (a link can be opened from anywhere): the button does.
    assert (page.status_code, presence.DEVICE_COOKIE in page.cookies) == (200, False)
    assert "pair.js" not in page.content.decode()
    assert kiosk.post(f"/scan/koppel/{code}/").status_code == 403  # without the form's CSRF token
    paired = kiosk.post(f"/scan/koppel/{code}/", {"csrfmiddlewaretoken": csrf_of(kiosk)})

    assert paired.status_code == 200
    assert "Kiosk hal" in paired.content.decode()
    cookie = paired.cookies[presence.DEVICE_COOKIE]
    assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax")
    assert presence_of(kiosk) == Presence(kind="kiosk", label="Kiosk hal", event_id=event.pk)
    assert presence_of(kiosk, event_id=event.pk + 1) is None  # another edition's kiosk counts not


def test_a_revoked_or_repaired_desk_is_no_longer_there(event):
    desk, _token = create_device(event=event, name="Balie", kind=Device.Kind.DESK)
    browser = Client()
    pair_in_browser(desk, browser)
    assert presence_of(browser) == Presence(kind="desk", label="Balie", event_id=event.pk)

    other = Client()
    pair_in_browser(desk, other)  # the desk moved to another browser: the first one is signed out
    forget_all_devices()
    assert (presence_of(browser), presence_of(other).label) == (None, "Balie")

    revoke_device(desk)
    assert presence_of(other) is None


def test_a_cookie_not_signed_by_the_server_proves_nothing(event):
    _desk, token = create_device(event=event, name="Balie", kind=Device.Kind.DESK)
    browser = Client()
    browser.cookies[presence.DEVICE_COOKIE] = token  # the token without the server's signature
    assert presence_of(browser) is None


def test_kiosk_codes_do_not_pair_scanners_and_kiosk_tokens_do_not_scan(event, api):
    kiosk, kiosk_token = create_device(event=event, name="Kiosk", kind=Device.Kind.KIOSK)
    _pairing, code = new_pairing_code(kiosk)

    answer = post_json(api, "/api/v1/checkin/pair", {"code": code})
    assert (answer.status_code, answer.json()["code"]) == (409, "pairing_code_other_kind")
    assert api.get("/api/v1/checkin/scanner", HTTP_AUTHORIZATION=f"Bearer {kiosk_token}").status_code == 401

    scanner, _token = create_device(event=event, name="Ingang")
    _pairing, scanner_code = new_pairing_code(scanner)
    browser = Client()
    # A scanner's code on the page is for the phone's script: a post sets no cookie, pairs nothing.
    posted = browser.post(f"/scan/koppel/{scanner_code}/")
    assert (posted.status_code, presence.DEVICE_COOKIE in posted.cookies) == (200, False)
    assert Device.objects.get(pk=scanner.pk).paired_at is None


@pytest.fixture
def limits(settings, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(ratelimit, "_cache_down_until", 0.0)
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "registration": "2/300",
        "signup": "1/300",
        "secret_misses": "2/600",
    }
    cache.clear()


def test_a_paired_desk_registers_walk_ins_past_the_limit_per_address(limits, event, programme):
    desk, _token = create_device(event=event, name="Balie", kind=Device.Kind.DESK)
    browser = Client(REMOTE_ADDR=TOWN_HALL)
    pair_in_browser(desk, browser)
    phone = Client(REMOTE_ADDR=TOWN_HALL)

    desk_answers = [
        post_json(browser, "/api/v1/registrations", registration_payload(n)).status_code for n in range(1, 6)
    ]
    phone_answers = [
        post_json(phone, "/api/v1/registrations", registration_payload(n)).status_code for n in range(6, 9)
    ]
    desk_misses = [browser.get(f"/r/{'x' * 32}/").status_code for _ in range(4)]

    assert desk_answers == [201] * 5
    assert phone_answers == [201, 201, 429]
    assert desk_misses == [404] * 4


def test_a_paired_kiosk_takes_signups_past_the_limit_per_address(limits, event):
    create_offers(event)
    kiosk, _token = create_device(event=event, name="Kiosk", kind=Device.Kind.KIOSK)
    browser = Client(REMOTE_ADDR=TOWN_HALL)
    pair_in_browser(kiosk, browser)
    answers = [
        post_json(
            browser, "/api/v1/signups", signup_payload(contact_email=f"c{n}@amersfoort.example")
        ).status_code
        for n in range(3)
    ]
    assert 429 not in answers
    revoke_device(kiosk)
    late = [
        post_json(
            browser, "/api/v1/signups", signup_payload(contact_email=f"late{n}@amersfoort.example")
        ).status_code
        for n in range(2)
    ]
    assert late[1] == 429


def test_a_paired_desk_and_an_organiser_register_proven_addresses(event, programme, staff_client):
    """Someone at the desk, or known to an organiser, proves the address by being there (issue 13 §1)."""
    desk, _token = create_device(event=event, name="Balie", kind=Device.Kind.DESK)
    kiosk, _token = create_device(event=event, name="Kiosk", kind=Device.Kind.KIOSK)
    at_desk, at_kiosk, phone = Client(), Client(), Client()
    pair_in_browser(desk, at_desk)
    pair_in_browser(kiosk, at_kiosk)

    answers = [
        post_json(at_desk, "/api/v1/registrations", registration_payload(1)),
        post_json(at_kiosk, "/api/v1/registrations", registration_payload(2)),
        post_json(phone, "/api/v1/registrations", registration_payload(3)),
    ]
    through_desk_form = at_desk.post("/aanmelden/", registration_form_data(programme))
    through_organiser_form = staff_client.post(
        "/aanmelden/",
        {
            **registration_form_data(programme, email="piet@utrecht.example"),
            "csrfmiddlewaretoken": csrf_of_page(staff_client),
        },
    )

    assert [answer.status_code for answer in answers] == [201, 201, 201]
    assert [answer.json()["address_verified"] for answer in answers] == [True, False, False]
    assert (through_desk_form.status_code, through_organiser_form.status_code) == (302, 302)
    proven = Registration.objects.filter(address_verified_at__isnull=False).values_list("email", flat=True)
    assert sorted(proven) == ["anna.1@amersfoort.example", "fatima@rotterdam.example", "piet@utrecht.example"]
    # The desk is told that an address is registered already: it has the person in front of it.
    again = post_json(at_desk, "/api/v1/registrations", registration_payload(1, last_name="Opnieuw"))
    assert (again.status_code, again.json()["code"]) == (409, "email_taken")


def test_a_desk_of_another_edition_proves_no_address(event, programme):
    other_edition = create_event(slug="vorig-jaar", date=event.date - timedelta(days=365))
    desk, _token = create_device(event=other_edition, name="Oude balie", kind=Device.Kind.DESK)
    browser = Client()
    pair_in_browser(desk, browser)
    answer = post_json(browser, "/api/v1/registrations", registration_payload(1))
    assert (answer.status_code, answer.json()["address_verified"]) == (201, False)
