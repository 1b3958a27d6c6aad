"""One adviser's slot under two concurrent bookings: real row locks on PostgreSQL."""

import pytest

from networking import services as signup_services
from networking.errors import MeetingError
from networking.meetings import services
from networking.models import DirectoryProfile, Intake, MeetingSlot, SignupContact
from tests.clock import at
from tests.concurrency import race
from tests.factories import attendee
from tests.support import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def test_two_municipalities_booking_one_advisers_slot_one_wins_the_other_is_offered_another_slot(
    event, programme, offers, municipalities
):
    lunch = MeetingSlot.objects.create(event=event, starts_at=at(12, 15), ends_at=at(12, 30))
    later = MeetingSlot.objects.create(event=event, starts_at=at(12, 30), ends_at=at(12, 45))
    adviser = attendee(event, "Ria Vermeer")[0]
    DirectoryProfile.objects.filter(registration=adviser).update(adviser=True)
    places = [municipalities[code] for code in ("GM0307", "GM0363")]
    for municipality in places:
        signup_services.sign_up(
            event=event,
            municipality=municipality,
            contact_name=f"Griffie {municipality.name}",
            contact_email=f"griffie@{municipality.code}.example",
            offers=[offers["quick-scan"]],
        )
    contacts = [SignupContact.objects.get(signup__municipality=municipality) for municipality in places]

    def book(index: int):
        return services.book_intake(
            municipality=places[index], contact=contacts[index], adviser_id=adviser.pk, slot_id=lunch.pk
        )

    results = race(book, 2)

    won = [result for result in results if isinstance(result, Intake)]
    lost = [result for result in results if isinstance(result, MeetingError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert (lost[0].code, lost[0].status, lost[0].alternatives) == ("intake_taken", 422, [later])
    assert list(Intake.objects.filter(slot=lunch, state="booked").values_list("municipality", flat=True)) == [
        won[0].municipality_id
    ]
