"""Fixtures of the networking tests: the programme's four offers (built by tests/factories.py)."""

import pytest

from networking.models import Offer

# Importable from here for tests written before tests/factories.py; new tests import them from there.
from tests.factories import OFFERS, attendee, create_offers, make_municipalities  # noqa: F401


@pytest.fixture
def offers(event) -> dict[str, Offer]:
    return create_offers(event)
