"""Browser tests: Debian's Chromium, driven by Playwright, against a real daphne process.

Every test in this directory is marked `e2e` and skipped when /usr/bin/chromium is missing.
Run them alone with `pytest -m e2e`, or leave them out with `pytest -m "not e2e"`.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect, sync_playwright

from tests.live import daphne

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Generous enough for a loaded CI machine; a healthy run needs well under a second per step.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    """Mark the tests of this directory `e2e`; skip them all when there is no Chromium."""
    missing = pytest.mark.skip(reason=f"needs Debian's chromium at {CHROMIUM}: apt-get install chromium")
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(missing)


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch):
    """Playwright's sync API keeps an event loop running in the test thread, and Django refuses
    ORM calls while one runs. Allow them for these tests only (monkeypatch undoes it after each)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """One headless Chromium per test module.

    Not per session: while Playwright runs, its event loop counts as running in the main thread,
    which would break the ORM and pytest-asyncio in every test directory collected after this one.
    Depending on `django_db_setup` makes the test database exist before the loop starts and be
    destroyed after it stops.
    """
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def server(transactional_db, tmp_path) -> Iterator[str]:
    """Base URL of a daphne process serving the test database. The test's data must be committed
    (hence `transactional_db`) for that process to see it. Mail goes to files in `tmp_path/mail`."""
    with daphne(mail_dir=tmp_path / "mail") as url:
        yield url


@pytest.fixture
def mail_dir(server, tmp_path) -> Path:
    """Where the server's file-based e-mail backend writes one `.log` file per message."""
    return tmp_path / "mail"


def new_context(browser, server: str):
    context = browser.new_context(base_url=server, locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def anonymous_context(browser, server):
    """A browser context of a visitor without a session."""
    context = new_context(browser, server)
    yield context
    context.close()


@pytest.fixture
def staff_context(browser, server, staff_user):
    """A browser context already logged in as the staff user (session made in the test process)."""
    client = Client()
    client.force_login(staff_user)
    context = new_context(browser, server)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": server,
            }
        ]
    )
    yield context
    context.close()
