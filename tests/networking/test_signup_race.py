"""Places under concurrency: real row locks on PostgreSQL."""

import pytest

from networking import services
from networking.models import Signup
from tests.concurrency import race
from tests.factories import make_municipalities
from tests.support import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_sixty_municipalities_for_fifty_quick_scan_places(event, offers):
    quick_scan = offers["quick-scan"]
    municipalities = make_municipalities(60)

    def sign_up(index: int):
        result = services.sign_up(
            event=event,
            municipality=municipalities[index],
            contact_name=f"Contact {index}",
            contact_email=f"contact{index}@race.example",
            offers=[quick_scan],
        )
        return result.outcomes[0]

    results = race(sign_up, 60)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Signup.objects.filter(offer=quick_scan, status="accepted").count() == 50
    waitlisted = list(
        Signup.objects.filter(offer=quick_scan, status="waitlisted").order_by("created_at", "pk")
    )
    assert [signup.waitlist_position() for signup in waitlisted] == list(range(1, 11))
    # What each caller was told is what the database holds.
    told = sorted(r.position for r in results if r.signup.status == "waitlisted")
    assert told == list(range(1, 11))


def test_one_municipality_signing_up_twenty_times_at_once_holds_one_place(event, offers, municipalities):
    development = offers["ontwikkeltraject"]

    def sign_up(index: int):
        return services.sign_up(
            event=event,
            municipality=municipalities["GM0307"],
            contact_name=f"Contact {index}",
            contact_email=f"contact{index}@amersfoort.example",
            offers=[development, offers["quick-scan"]],
        ).visible

    results = race(sign_up, 20)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(results) == [False] * 19 + [True]  # only the first learns the reference
    assert len(set(Signup.objects.values_list("reference", flat=True))) == 1  # one for the municipality
    assert Signup.objects.filter(offer=development).count() == 1
    assert Signup.objects.get(offer=development).contacts.count() == 20
