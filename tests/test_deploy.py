"""Production settings pass Django's deployment checklist, and refuse to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Qe9!vX2@pL5$wR8^tY1&uI4*oP0(aS3)dF6_gH9+jK2=lZ5",
    "ALLOWED_HOSTS": "dld.example.nl",
    "CSRF_TRUSTED_ORIGINS": "https://dld.example.nl",
    "SECURE_SSL": "1",
}


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_no_secret_key_no_start_when_debug_is_off():
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
