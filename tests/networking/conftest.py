"""Fixtures of the networking tests: the programme's four offers (built by tests/factories.py), and
two listed attendees, Anna and Bram, as (registration, manage token)."""

import pytest

from networking.models import Offer

# Importable from here for tests written before tests/factories.py; new tests import them from there.
from tests.factories import OFFERS, attendee, create_offers, make_municipalities  # noqa: F401


@pytest.fixture
def offers(event) -> dict[str, Offer]:
    return create_offers(event)


@pytest.fixture
def anna(event, municipalities):
    return attendee(event, "Anna Bakker", municipality=municipalities["GM0307"])


@pytest.fixture
def bram(event, municipalities):
    return attendee(event, "Bram de Wit", municipality=municipalities["GM0363"], role="wethouder")
