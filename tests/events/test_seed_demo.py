from io import StringIO

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from events.models import (
    Booking,
    Event,
    Municipality,
    OutboundEmail,
    Registration,
    Room,
    Round,
    Speaker,
    Theme,
    Workshop,
)
from networking.models import Offer


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        "municipalities": Municipality.objects.count(),
        "events": Event.objects.count(),
        "rooms": Room.objects.count(),
        "rounds": Round.objects.count(),
        "workshops": Workshop.objects.count(),
        "speakers": Speaker.objects.count(),
        "speaker links": Workshop.speakers.through.objects.count(),
        "offers": Offer.objects.count(),
        "users": get_user_model().objects.count(),
        "registrations": Registration.objects.count(),
        "bookings": Booking.objects.count(),
    }


def demo_people() -> set[tuple]:
    """What makes a demo attendee the same person: everything but the random secrets."""
    return {
        (
            registration.email,
            registration.first_name,
            registration.last_name,
            registration.role,
            registration.municipality_id,
            registration.organisation,
            registration.directory_opt_in,
            tuple(sorted(registration.bookings.values_list("workshop__slug", flat=True))),
        )
        for registration in Registration.objects.all()
    }


def over_capacity() -> list[str]:
    return [
        workshop.slug for workshop in Workshop.objects.with_counts() if workshop.booked > workshop.capacity
    ]


def test_seeding_twice_gives_the_same_rows(db):
    output = seed()
    first = row_counts()
    seed()

    assert row_counts() == first
    assert first == {
        "municipalities": 342,
        "events": 1,
        "rooms": 10,
        "rounds": 5,
        "workshops": 26,
        "speakers": 35,
        "speaker links": 45,
        "offers": 4,
        "users": 1,
        "registrations": 0,
        "bookings": 0,
    }
    assert output.splitlines()[-1] == (
        "Organiser login at /admin/: user 'organisator', password from DEMO_PASSWORD "
        "or else 'lokaledemocratie'."
    )


def test_the_event_is_the_day_in_amersfoort(db):
    seed()
    event = Event.objects.get()

    assert (event.slug, str(event.date), event.venue, event.capacity) == (
        "dag-van-de-lokale-democratie-2027",
        "2027-11-16",
        "Prodentfabriek",
        800,
    )
    assert Event.objects.current() == event


def test_every_workshop_round_offers_all_six_themes_in_separate_rooms(db):
    seed()

    workshop_rounds = Round.objects.filter(kind=Round.Kind.WORKSHOPS)
    assert workshop_rounds.count() == 3
    for round_ in workshop_rounds:
        workshops = list(round_.workshops.all())
        assert len(workshops) >= 6
        assert {workshop.theme for workshop in workshops} == set(Theme.values)
        assert len({workshop.room_id for workshop in workshops}) == len(workshops)


def test_plenary_sessions_fill_the_big_hall_and_open_with_the_start_of_the_programme(db):
    seed()

    plenary = Workshop.objects.filter(round__kind=Round.Kind.PLENARY).order_by("round__starts_at")
    assert [(session.room.name, session.capacity, session.theme) for session in plenary] == [
        ("Grote Zaal", 800, ""),
        ("Grote Zaal", 800, ""),
    ]
    opening_speakers = set(plenary[0].speakers.values_list("name", flat=True))
    assert {"Jan van Zanen", "Chris Kuijpers"} <= opening_speakers


def test_no_workshop_is_bigger_than_its_room(db):
    seed()

    too_big = [
        workshop.slug for workshop in Workshop.objects.all() if workshop.capacity > workshop.room.capacity
    ]
    assert too_big == []
    assert Workshop.objects.filter(round__kind=Round.Kind.WORKSHOPS, capacity__lte=30).count() >= 3


def test_the_four_offers_of_democratie_in_actie(db):
    seed()

    assert list(Offer.objects.values_list("position", "slug", "places")) == [
        (1, "netwerk-digitale-democratie", None),
        (2, "quick-scan", 50),
        (3, "ontwikkeltraject", 10),
        (4, "raadsondersteuning", 20),
    ]


def test_no_organiser_login_is_added_when_staff_exists(db):
    get_user_model().objects.create_user("beheerder", is_staff=True)

    output = seed()

    assert list(get_user_model().objects.values_list("username", flat=True)) == ["beheerder"]
    assert "organisator" not in output


def test_demo_attendees_are_registered_once_and_never_mailed(db, django_capture_on_commit_callbacks):
    # Run the after-commit work (inline e-mail delivery, live events) as a real commit would.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        seed(attendees=40)
        people = demo_people()
        output = seed(attendees=40)

    assert Registration.objects.count() == 40
    assert demo_people() == people
    assert output.splitlines()[0].endswith("40 demo attendees (0 new).")
    assert over_capacity() == []
    assert len(callbacks) > 0
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


def test_demo_attendees_are_the_same_people_on_another_run(db):
    seed(attendees=25)
    people = demo_people()
    Registration.objects.all().delete()
    seed(attendees=10)
    seed(attendees=25)

    assert demo_people() == people


def test_a_full_demo_day_fills_the_small_workshops_and_has_waitlists(db):
    seed(attendees=700)

    waitlisted = Booking.objects.filter(status=Booking.Status.WAITLISTED)
    assert Registration.objects.count() == 700
    assert over_capacity() == []
    assert waitlisted.exists()
    assert set(Registration.objects.values_list("role", flat=True)) >= {"raadslid", "griffier", "ambtenaar"}
    assert Registration.objects.filter(municipality__isnull=True).exclude(organisation="").exists()
    assert Registration.objects.exclude(email__endswith=".example").count() == 0
