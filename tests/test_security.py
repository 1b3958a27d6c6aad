"""Security headers, CSRF on every form, staff-only pages and API, secrets, and logs without e-mail."""

import logging
import re

import pytest
from django.test import Client

from checkin.services import new_pairing_code
from events.models import Registration
from networking.models import Contact
from networking.services import connect_code_for
from tests.factories import attendee as network_attendee
from tests.factories import create_offers, registration_payload
from tests.mail_backends import FAILING
from tests.support import post_json

CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self' ws://testserver wss://testserver; "
    "worker-src 'self' blob:; manifest-src 'self'; media-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@pytest.fixture
def site(programme, make_attendee, staff_user, scanner):
    """One of everything a page can show: an attendee in the directory with a contact, offers, a device."""
    event = programme["raad"].round.event
    create_offers(event)
    registration, token = network_attendee(event, "Sanne Visser", opt_in=True)
    other, _other_token = network_attendee(event, "Joost Bakker", opt_in=True)
    contact = Contact.objects.create(requester=other, recipient=registration)
    return {
        "event": event,
        "token": token,
        "registration": registration,
        "connect_secret": connect_code_for(registration).secret,
        "contact": contact,
        "workshop": programme["raad"],
        "capacity": programme["raad"].capacity,
        "device": scanner[0],
    }


def public_pages(site) -> list[str]:
    token = site["token"]
    return [
        "/",
        "/aanmelden/",
        "/privacy/",
        "/netwerk/",
        "/netwerk/muur/",
        f"/r/{token}/",
        f"/r/{token}/badge/",
        f"/r/{token}/annuleren/",
        f"/r/{token}/wissen/",
        f"/r/{token}/deelnemers/",
        f"/verbind/{site['connect_secret']}",
        "/scan/",
    ]


def staff_pages(site) -> list[str]:
    return [
        "/dashboard/",
        "/dashboard/lijsten/",
        "/dashboard/export/attendees.csv",
        "/dashboard/export/checkins.xlsx",
        "/dashboard/export/signups.csv",
        f"/dashboard/deurlijst/{site['workshop'].pk}/",
        "/dashboard/badges/",
        "/dashboard/apparaten/",
        "/netwerk/deelnemers/",
    ]


def test_every_page_sends_a_strict_content_security_policy_and_the_other_headers(client, site):
    for path in public_pages(site):
        response = client.get(path)
        assert (path, response.status_code) == (path, 200)
        assert (path, response["Content-Security-Policy"]) == (path, CSP)
        assert (
            response["Permissions-Policy"]
            == "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
        )
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_only_the_admin_and_the_api_docs_may_set_inline_styles_and_never_inline_scripts(staff_client):
    for path in ["/admin/", "/api/v1/docs"]:
        policy = staff_client.get(path)["Content-Security-Policy"]
        assert "style-src 'self' 'unsafe-inline'" in policy
        assert "script-src 'self' 'wasm-unsafe-eval';" in policy


def test_the_api_docs_load_nothing_from_elsewhere(client):
    page = client.get("/api/v1/docs").content.decode()
    assert re.findall(r"(?:src|href)=\"(https?://[^\"]+)\"", page) == []


def test_over_https_the_policy_upgrades_and_hsts_is_sent(settings, event):
    settings.SECURE_SSL = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "connect-src 'self' wss://testserver;" in response["Content-Security-Policy"]
    assert response["Content-Security-Policy"].endswith("frame-ancestors 'none'; upgrade-insecure-requests")


def test_pages_have_no_inline_scripts_event_handlers_or_style_attributes(client, staff_client, site):
    pages = [(client, path) for path in public_pages(site)]
    pages += [(staff_client, path) for path in staff_pages(site) if "/export/" not in path]
    for browser, path in pages:
        html = browser.get(path).content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        inline = [tag for tag in scripts if "src=" not in tag and 'type="application/json"' not in tag]
        assert (path, inline) == (path, [])
        assert (path, re.findall(r"\son[a-z]+=", html)) == (path, [])
        assert (path, re.findall(r"\sstyle=\"", html)) == (path, [])


def test_every_form_that_posts_carries_a_csrf_token(client, staff_client, site):
    pages = [(client, path) for path in public_pages(site)]
    pages += [(staff_client, path) for path in staff_pages(site) if "/export/" not in path]
    forms_seen = 0
    for browser, path in pages:
        html = browser.get(path).content.decode()
        for form in re.findall(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", html, flags=re.S | re.I):
            forms_seen += 1
            assert (path, "csrfmiddlewaretoken" in form) == (path, True)
    assert forms_seen >= 10


def test_form_posts_without_a_csrf_token_are_refused_and_change_nothing(site):
    token, contact = site["token"], site["contact"]
    browser = Client(enforce_csrf_checks=True)
    targets = [
        "/aanmelden/",
        "/netwerk/",
        f"/r/{token}/",
        f"/r/{token}/annuleren/",
        f"/r/{token}/wissen/",
        f"/r/{token}/netwerken/",
        f"/r/{token}/netwerken/toestel-vergeten/",
        f"/r/{token}/contacten/{contact.pk}/accepteren/",
        f"/r/{token}/contacten/{contact.pk}/verwijderen/",
        f"/verbind/{site['connect_secret']}",
    ]
    before = (Registration.objects.filter(status="confirmed").count(), Contact.objects.count())
    answers = [(path, browser.post(path, {"first_name": "X"}).status_code) for path in targets]
    assert answers == [(path, 403) for path in targets]
    assert (Registration.objects.filter(status="confirmed").count(), Contact.objects.count()) == before


def test_staff_api_calls_with_a_session_need_the_csrf_token(staff_client, site):
    workshop = site["workshop"]
    refused = staff_client.patch(
        f"/api/v1/workshops/{workshop.pk}", data={"capacity": 99}, content_type="application/json"
    )
    assert (refused.status_code, refused.json()) == (
        403,
        {
            "code": "csrf_failed",
            "detail": "De beveiligingscontrole van deze pagina is mislukt: laad de pagina opnieuw en probeer het nog eens.",
            "errors": {},
        },
    )
    workshop.refresh_from_db()
    assert workshop.capacity != 99


def test_staff_pages_refuse_anonymous_visitors_and_scanner_tokens(site, scanner_headers):
    device = site["device"]
    pages = [*staff_pages(site), f"/dashboard/apparaten/{device.pk}/koppelen/"]
    for headers in ({}, scanner_headers):
        visitor = Client()
        for path in pages:
            response = visitor.get(path, **headers)
            assert (path, response.status_code, response.get("Location", "")[: len("/admin/login/")]) == (
                path,
                302,
                "/admin/login/",
            )
        for path in [
            f"/dashboard/apparaten/{device.pk}/koppelen/",
            f"/dashboard/apparaten/{device.pk}/intrekken/",
        ]:
            assert visitor.post(path, **headers).status_code == 302
    device.refresh_from_db()
    assert device.revoked_at is None


def test_organiser_api_refuses_anonymous_callers_and_scanner_tokens(site, scanner_headers):
    workshop = site["workshop"]
    calls = [
        ("patch", f"/api/v1/workshops/{workshop.pk}", {"capacity": 1}),
        ("post", f"/api/v1/workshops/{workshop.pk}/cancel", {}),
        ("get", "/api/v1/directory", None),
    ]
    for headers in ({}, scanner_headers):
        for method, path, body in calls:
            caller = getattr(Client(), method)
            if body is None:
                response = caller(path, **headers)
            else:
                response = caller(path, data=body, content_type="application/json", **headers)
            assert (method, path, response.status_code) == (method, path, 401)
    workshop.refresh_from_db()
    assert (workshop.capacity, workshop.status) == (site["capacity"], "scheduled")


def test_scanner_api_refuses_anonymous_callers(site):
    for path in [
        "/api/v1/checkin/list",
        "/api/v1/checkin/search?q=Sanne",
        "/api/v1/stats",
        "/api/v1/checkin/scanner",
    ]:
        assert (path, Client().get(path).status_code) == (path, 401)


def test_scanner_answers_never_carry_e_mail_addresses(site, scanner_headers):
    phone = Client()
    for path in ["/api/v1/checkin/list", "/api/v1/checkin/search?q=Sanne", "/api/v1/checkin/scanner"]:
        response = phone.get(path, **scanner_headers)
        assert (path, response.status_code, EMAIL.findall(response.content.decode())) == (path, 200, [])


def test_pairing_codes_and_secrets_are_long_and_random(site, scanner):
    _pairing, code = new_pairing_code(scanner[0])
    assert len(code) >= 22  # 16 random bytes, base64url: 128 bits
    assert len(site["connect_secret"]) >= 22
    assert len(site["token"]) >= 32


def test_logs_carry_no_e_mail_addresses(
    settings, caplog, api, programme, scanner_headers, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING  # the mail server is down: the outbox logs its failures
    caplog.set_level(logging.INFO)
    with django_capture_on_commit_callbacks(execute=True):
        created = post_json(
            api, "/api/v1/registrations", registration_payload(7, email="anna.zeven@utrecht.example")
        )
        post_json(api, "/api/v1/registrations", registration_payload(8, email="not an address"))
        post_json(api, "/api/v1/registrations", registration_payload(9, email="anna.zeven@utrecht.example"))
    token = created.json()["manage_url"].rstrip("/").rsplit("/", 1)[1]
    Client().get(f"/r/{token}x/")
    registration = Registration.objects.get(reference=created.json()["reference"])
    post_json(Client(), "/api/v1/checkin/redeem", {"secret": registration.badge_secret}, **scanner_headers)
    post_json(Client(), "/api/v1/checkin/redeem", {"secret": "nonsense"}, **scanner_headers)

    assert created.status_code == 201
    assert any("not sent" in record.getMessage() for record in caplog.records)
    logged = "\n".join(caplog.text.splitlines())
    assert EMAIL.findall(logged) == []
