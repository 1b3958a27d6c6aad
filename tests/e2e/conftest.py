"""Browser tests: Debian's Chromium, driven by Playwright, against a real daphne process.

Every test in this directory is marked `e2e` and skipped when /usr/bin/chromium is missing.
Run them alone with `pytest -m e2e`, or leave them out with `pytest -m "not e2e"`. Chromium's
flags, the timeouts and the browser contexts are in tests/e2e/browser.py.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.browser import CHROMIUM, MISSING_CHROMIUM, launch, log_in, new_context
from tests.e2e.pages import site  # noqa: F401  (the site of the accessibility and staff-screen tests)
from tests.live import daphne

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Mark the tests of this directory `e2e`; skip them all when there is no Chromium."""
    missing = pytest.mark.skip(reason=MISSING_CHROMIUM)
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
def playwright(django_db_setup):
    """One Playwright per test module.

    Not per session: while Playwright runs, its event loop counts as running in the main thread,
    which would break the ORM and pytest-asyncio in every test directory collected after this one.
    Depending on `django_db_setup` makes the test database exist before the loop starts and be
    destroyed after it stops; the ORM is allowed beside the loop exactly as long as it runs.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        driver = sync_playwright().start()
        try:
            yield driver
        finally:
            driver.stop()


@pytest.fixture(scope="module")
def browser(playwright):
    """One headless Chromium per test module."""
    chromium = launch(playwright)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def chromium(browser):
    """The same Chromium as `browser` (the scanner's tests call it so)."""
    return browser


@pytest.fixture
def server(transactional_db, tmp_path) -> Iterator[str]:
    """Base URL of a daphne process serving the test database. The test's data must be committed
    (hence `transactional_db`) for that process to see it. Mail goes to files in `tmp_path/mail`."""
    with daphne(mail_dir=tmp_path / "mail") as url:
        yield url


@pytest.fixture
def live_server_url(server) -> str:
    """The same daphne process as `server` (the scanner's tests call it so)."""
    return server


@pytest.fixture
def mail_dir(server, tmp_path) -> Path:
    """Where the server's file-based e-mail backend writes one `.log` file per message."""
    return tmp_path / "mail"


@pytest.fixture
def anonymous_context(browser, server):
    """A browser context of a visitor without a session."""
    context = new_context(browser, server)
    yield context
    context.close()


@pytest.fixture
def staff_context(browser, server, staff_user):
    """A browser context already logged in as the staff user (session made in the test process)."""
    context = new_context(browser, server)
    log_in(context, server, staff_user)
    yield context
    context.close()
