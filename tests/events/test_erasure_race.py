"""Erasure against everything else that touches the person at the same moment (PostgreSQL row
locks): scans of her badge, a contact request to her, and a second erasure."""

import pytest

from checkin.models import Scan
from checkin.services import create_device, redeem
from events import services
from events.models import Registration
from networking import services as networking
from networking.errors import ContactError
from networking.models import Contact
from tests.concurrency import race
from tests.privacy import register
from tests.support import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_scans_racing_an_erasure_leave_no_link_to_her(event, municipalities):
    anna = register(event, "Anna", "Racevaart", municipality=municipalities["GM0307"])
    devices = [create_device(event=event, name=f"Deur {i}")[0] for i in range(9)]
    secret = anna.registration.badge_secret

    def act(i: int):
        if i == 4:
            return services.erase_registration(anna.registration)
        return redeem(event=event, secret=secret, device=devices[i if i < 4 else i - 1]).status

    results = race(act, 10)

    assert [result for result in results if isinstance(result, Exception)] == []
    assert Scan.objects.count() == 9
    assert not Scan.objects.filter(registration__isnull=False).exists()
    assert Registration.objects.get(pk=anna.registration.pk).erased_at is not None


def test_two_erasures_at_once_erase_once(event, municipalities):
    anna = register(event, "Anna", "Dubbelaar", municipality=municipalities["GM0307"])

    results = race(lambda i: services.erase_registration(anna.registration), 5)

    assert [result for result in results if isinstance(result, Exception)] == []
    assert sorted(result["registrations"] for result in results) == [0, 0, 0, 0, 1]


def test_a_contact_request_racing_her_erasure_never_reaches_her(event, municipalities):
    anna = register(event, "Anna", "Verbinder", municipality=municipalities["GM0307"])
    askers = [register(event, f"Vrager{i}", "Snel") for i in range(5)]
    secret = networking.connect_code_for(anna.registration).secret

    def act(i: int):
        if i == 5:
            return services.erase_registration(anna.registration)
        try:
            return networking.request_contact(requester=askers[i].registration, secret=secret).pk
        except ContactError as error:
            return error.code

    results = race(act, 6)

    assert [result for result in results if isinstance(result, Exception)] == []
    assert not Contact.objects.filter(recipient=anna.registration).exists()
