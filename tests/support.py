"""What many test modules share that is neither a fixture nor a builder: the skip markers of the
tests that need PostgreSQL or Redis, a JSON POST, the audit trail as plain tuples, a browser
paired as a kiosk, desk or tablet, and `manage.py` run with production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from checkin.services import new_pairing_code
from events.models import AuditEntry

USES_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
USES_REDIS = bool(settings.REDIS_URL)

requires_postgres = pytest.mark.skipif(
    not USES_POSTGRES,
    reason="needs PostgreSQL for real row locks: set DATABASE_URL=postgres://… (SQLite serialises writers)",
)
requires_redis = pytest.mark.skipif(
    not USES_REDIS, reason="needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0"
)


def post_json(client: Client, path: str, data, **extra):
    return client.post(path, data=data, content_type="application/json", **extra)


def paired_browser(device) -> Client:
    """A test client paired as `device` (a kiosk, desk or self check-in tablet) the way its
    browser is: the pairing link, then its button (a same-site POST that sets the device cookie)."""
    browser = Client(enforce_csrf_checks=True)
    _pairing, code = new_pairing_code(device)
    browser.get(f"/scan/koppel/{code}/")
    browser.post(f"/scan/koppel/{code}/", {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})
    return browser


def trail(**filters) -> list[tuple]:
    """(action, object, door, actor, changes) of the audit trail's entries, oldest first."""
    return [
        (entry.action, entry.object_repr, entry.door, entry.actor, entry.changes)
        for entry in AuditEntry.objects.filter(**filters).order_by("pk")
    ]


# Production settings for a `manage.py` child process (tests of the deployment checks).
ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    # pytest runs on config.settings_test and puts it in the environment; production's is the default.
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "0",
    "SECRET_KEY": "k7#Qe9!vX2@pL5$wR8^tY1&uI4*oP0(aS3)dF6_gH9+jK2=lZ5",
    "ALLOWED_HOSTS": "dld.example.nl",
    "CSRF_TRUSTED_ORIGINS": "https://dld.example.nl",
    "SECURE_SSL": "1",
    "PRIVACY_CONTROLLER": "Vereniging van Nederlandse Gemeenten, Den Haag",
    "PRIVACY_CONTACT_EMAIL": "privacy@dld.example.nl",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )
