"""Secrets stay out of logs and caches: the access log and Django's request log redact the secrets
in paths and whole query strings; pages behind a private link send Cache-Control: no-store."""

import logging
import secrets
import subprocess
import tempfile
import urllib.request
import uuid
from pathlib import Path
from urllib.error import HTTPError

import pytest

from bench.servers import free_port, wait_until_serving
from checkin.services import new_pairing_code
from config.accesslog import RedactSecrets, redact
from events.models import OutboundEmail
from networking.services import connect_code_for
from tests.clock import server_command
from tests.factories import attendee as network_attendee
from tests.factories import registration_payload
from tests.live import ROOT, server_environment
from tests.support import post_json

TOKEN = secrets.token_urlsafe(24)
SHORT = secrets.token_urlsafe(16)


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/r/{TOKEN}/", "/r/[redacted]/"),
        (f"/r/{TOKEN}/?welkom=1", "/r/[redacted]/?[redacted]"),
        (f"/r/{TOKEN}/gegevens.json", "/r/[redacted]/gegevens.json"),
        (f"/r/{TOKEN}/netwerken/verbindcode.svg", "/r/[redacted]/netwerken/verbindcode.svg"),
        (f"/ical/r/{TOKEN}.ics", "/ical/r/[redacted].ics"),
        (f"/badge/{TOKEN}.png", "/badge/[redacted].png"),
        (f"/verbind/{TOKEN}", "/verbind/[redacted]"),
        (f"/bevestig/{SHORT}/", "/bevestig/[redacted]/"),
        (f"/scan/koppel/{SHORT}/", "/scan/koppel/[redacted]/"),
        (f"/api/v1/registrations/{TOKEN}/export", "/api/v1/registrations/[redacted]/export"),
        ("/api/v1/checkin/search?q=Jansen", "/api/v1/checkin/search?[redacted]"),
        # No URL matches: every run of token characters goes.
        (f"/r/{TOKEN}/bestaat-niet/", "/r/[redacted]/bestaat-niet/"),
        (f"/ws/dashboard/?token={TOKEN}", "/ws/dashboard/?[redacted]"),
        # Nothing secret: kept as it is.
        ("/", "/"),
        ("/ical/programme.ics", "/ical/programme.ics"),
        (f"/ical/workshop/{uuid.UUID(int=7)}.ics", f"/ical/workshop/{uuid.UUID(int=7)}.ics"),
        ("/static/checkin/vendor/barcode-detector.js", "/static/checkin/vendor/barcode-detector.js"),
        ("/dashboard/export/attendees.csv", "/dashboard/export/attendees.csv"),
    ],
)
def test_paths_lose_their_secrets_and_query_strings(path, logged):
    assert redact(path) == logged


def test_the_filter_rewrites_request_lines_and_daphnes_details():
    record = logging.LogRecord(
        "django.channels.server", logging.INFO, __file__, 1, "HTTP %(method)s %(path)s %(status)s",
        {"method": "GET", "path": f"/r/{TOKEN}/?q=x", "status": 200}, None,
    )  # fmt: skip
    assert RedactSecrets().filter(record) is True
    assert record.getMessage() == "HTTP GET /r/[redacted]/?[redacted] 200"
    line = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', (f"GET /badge/{TOKEN}.svg HTTP/1.1", "200", "9"), None
    )
    RedactSecrets().filter(line)
    assert line.getMessage() == '"GET /badge/[redacted].svg HTTP/1.1" 200 9'


def test_djangos_request_log_carries_no_secret(client, caplog, make_attendee):
    registration = make_attendee()
    caplog.set_level(logging.INFO)
    assert client.get(f"/r/{registration.manage_token}/bestaat-niet/").status_code == 404
    assert client.get(f"/ical/r/{TOKEN}.ics?x=1").status_code == 404
    assert client.get("/api/v1/checkin/search?q=Jansen").status_code == 401

    logged = [record.getMessage() for record in caplog.records if record.name.startswith("django.")]
    assert logged == [
        "Not Found: /r/[redacted]/bestaat-niet/",
        "Not Found: /ical/r/[redacted].ics",
        "Unauthorized: /api/v1/checkin/search",
    ]


def test_every_page_behind_a_private_link_is_never_stored(client, event, programme):
    _registration, token = network_attendee(event, "Sanne Visser", opt_in=True)
    post_json(client, "/api/v1/registrations", registration_payload(7))
    address_token = OutboundEmail.objects.get(kind="registration_confirmation").context["address_token"]
    pages = [
        f"/r/{token}/",
        f"/r/{token}/badge/",
        f"/r/{token}/annuleren/",
        f"/r/{token}/wissen/",
        f"/r/{token}/gegevens.json",
        f"/r/{token}/deelnemers/",
        f"/r/{token}/contacten.vcf",
        f"/r/{token}/netwerken/",
        f"/bevestig/{address_token}/",
    ]
    for path in pages:
        response = client.get(path)
        assert (path, response.status_code in (200, 302)) == (path, True)
        assert (path, "no-store" in response["Cache-Control"]) == (path, True)


@pytest.mark.django_db(transaction=True)
def test_daphnes_access_log_carries_no_secret(event, scanner):
    """A real daphne with its access log on (as in production: no -v), its output read back."""
    registration, manage_token = network_attendee(event, "Sanne Visser", opt_in=True)
    connect_secret = connect_code_for(registration).secret
    _pairing, pairing_code = new_pairing_code(scanner[0])
    port = free_port()
    with tempfile.NamedTemporaryFile("w+", prefix="daphne-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
        process = subprocess.Popen(
            server_command("daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"),
            cwd=ROOT,
            env=server_environment(overrides={"LOG_LEVEL": "INFO"}),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(url, process, log_path, timeout=30.0)
        paths = [
            f"/r/{manage_token}/",
            f"/r/{manage_token}/gegevens.json",
            f"/r/{manage_token}/bestaat-niet/",
            f"/ical/r/{registration.calendar_token}.ics",
            f"/badge/{registration.badge_token}.svg",
            f"/verbind/{connect_secret}",
            f"/scan/koppel/{pairing_code}/",
            f"/api/v1/registrations/{manage_token}",
            "/api/v1/checkin/search?q=Jansen",
        ]
        for path in paths:
            try:
                urllib.request.urlopen(url + path, timeout=10).read()
            except HTTPError as error:
                assert error.code in (401, 404), path
    finally:
        process.terminate()
        process.wait(timeout=10)
    logged = log_path.read_text()
    log_path.unlink()

    for secret in (
        manage_token,
        registration.calendar_token,
        registration.badge_token,
        connect_secret,
        pairing_code,
        "Jansen",
    ):
        assert secret not in logged
    assert '"GET /r/[redacted]/gegevens.json" 200' in logged
    assert '"GET /api/v1/checkin/search?[redacted]" 401' in logged
    assert "Not Found: /r/[redacted]/bestaat-niet/" in logged
