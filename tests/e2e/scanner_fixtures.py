"""Fixtures of the scanner's browser tests (registered with `pytest_plugins` by each test module):
Playwright with Debian's Chromium and a daphne server on the test database."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.scanner_support import launch
from tests.live import daphne


@pytest.fixture(scope="module")
def playwright(django_db_setup):
    """One Playwright per module (not per session: its loop would break async tests collected
    later). Depends on django_db_setup so the test database outlives it.

    Playwright's sync API keeps an event loop running in the test thread, and Django refuses ORM
    calls while one runs: they are allowed exactly as long as Playwright runs.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        driver = sync_playwright().start()
        yield driver
        driver.stop()


@pytest.fixture(scope="module")
def chromium(playwright):
    browser = launch(playwright)
    yield browser
    browser.close()


@pytest.fixture
def live_server_url(transactional_db) -> Iterator[str]:
    """A daphne process serving the test database (the test's data must be committed for it)."""
    with daphne() as url:
        yield url
