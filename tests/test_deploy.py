"""Production settings pass Django's deployment checklist, and refuse to start without a secret."""

from tests.support import PRODUCTION, manage


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_no_secret_key_no_start_when_debug_is_off():
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_check_deploy_asks_who_is_responsible_for_the_data():
    result = manage("check", "--deploy", env={**PRODUCTION, "PRIVACY_CONTROLLER": ""})
    assert "events.W001" in result.stderr + result.stdout
