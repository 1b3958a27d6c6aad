"""`manage.py seed_demo`: the demo day, on a day relative to today, the same rows on every run."""

from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from events import services
from events.demo import next_demo_day
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
from networking.models import DirectoryProfile, Offer
from tests.clock import AMSTERDAM
from tests.clock import today as clock_today

DEMO_SLUG = "dag-van-de-lokale-democratie-demo"


@pytest.fixture(autouse=True)
def development(settings):
    """`make run` seeds with DEBUG on: the demo login's well-known password is allowed there."""
    settings.DEBUG = True


def seed(*args: str, **options) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, **options)
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
    listed = set(DirectoryProfile.objects.filter(listed=True).values_list("registration_id", flat=True))
    return {
        (
            registration.email,
            registration.first_name,
            registration.last_name,
            registration.role,
            registration.municipality_id,
            registration.organisation,
            registration.pk in listed,
            tuple(sorted(registration.bookings.values_list("workshop__slug", flat=True))),
        )
        for registration in Registration.objects.all()
    }


def local_times(event: Event) -> list[tuple]:
    """(label, day, starts, ends) of each round in Amsterdam time, in order."""
    return [
        (
            round_.label,
            round_.starts_at.astimezone(AMSTERDAM).date(),
            f"{round_.starts_at.astimezone(AMSTERDAM):%H:%M}",
            f"{round_.ends_at.astimezone(AMSTERDAM):%H:%M}",
        )
        for round_ in event.rounds.order_by("starts_at")
    ]


def edition() -> dict:
    """The demo edition's row and its rounds' times."""
    event = Event.objects.get(slug=DEMO_SLUG)
    return {
        "pk": event.pk,
        "name": event.name,
        "date": event.date,
        "registration": (event.registration_opens_at, event.registration_closes_at),
        "rounds": local_times(event),
    }


def workshop_sequences() -> dict[str, int]:
    return dict(Workshop.objects.values_list("slug", "sequence"))


def demo_attendees(event: Event) -> int:
    return event.registrations.filter(email__endswith=".example").count()


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
        "(in development, without it: 'lokaledemocratie')."
    )


def test_the_event_is_the_day_in_amersfoort(db):
    seed()
    event = Event.objects.get()

    assert (event.slug, event.name, event.venue, event.venue_address, event.capacity) == (
        DEMO_SLUG,
        f"Dag van de Lokale Democratie {event.date.year}",
        "Prodentfabriek",
        "Amersfoort",
        800,
    )
    assert Event.objects.current() == event


def test_the_demo_day_is_a_tuesday_six_weeks_ahead_with_registration_open_until_four_days_before(db):
    seed()
    event = Event.objects.get()
    today = timezone.localdate()

    assert (event.date.weekday(), 42 <= (event.date - today).days < 49) == (1, True)
    assert event.date == next_demo_day(today)
    assert event.registration_is_open()
    assert event.registration_opens_at < timezone.now()
    assert event.registration_closes_at == datetime.combine(
        event.date - timedelta(days=4), time(23, 59), tzinfo=AMSTERDAM
    )
    assert local_times(event) == [
        ("Plenaire opening", event.date, "10:00", "10:45"),
        ("Workshopronde 1", event.date, "11:00", "12:00"),
        ("Workshopronde 2", event.date, "13:15", "14:15"),
        ("Workshopronde 3", event.date, "14:45", "15:45"),
        ("Plenaire afsluiting", event.date, "16:00", "16:45"),
    ]


MONDAY, TUESDAY, WEDNESDAY = 0, 1, 2


def weekday_from(day: date, weekday: int) -> date:
    """The first `weekday` (0 = Monday) on or after `day`."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def in_december(weekday: int) -> date:
    """A `weekday` in the first week of next December: six weeks on is the next year."""
    return weekday_from(date(clock_today().year + 1, 12, 1), weekday)


def soon(weekday: int) -> date:
    return weekday_from(clock_today() + timedelta(days=1), weekday)


@pytest.mark.parametrize(
    ("today", "days_to_demo_day"),
    [
        (soon(WEDNESDAY), 48),  # a Wednesday: the Tuesday after six weeks
        (soon(TUESDAY), 42),  # a Tuesday: exactly six weeks
        (in_december(WEDNESDAY), 48),  # into the next year
        (soon(MONDAY), 43),  # a Monday: six weeks and a day
    ],
    ids=["wednesday", "tuesday", "into-the-next-year", "monday"],
)
def test_the_next_demo_day_is_the_first_tuesday_at_least_six_weeks_ahead(
    db, time_machine, today, days_to_demo_day
):
    demo_day = today + timedelta(days=days_to_demo_day)
    assert demo_day.weekday() == TUESDAY
    time_machine.move_to(datetime.combine(today, time(12), tzinfo=AMSTERDAM), tick=False)

    output = seed()
    event = Event.objects.get()

    assert (event.date, event.name) == (demo_day, f"Dag van de Lokale Democratie {demo_day.year}")
    assert (event.registration_opens_at, event.registration_closes_at) == (
        datetime.combine(today - timedelta(weeks=4), time(8), tzinfo=AMSTERDAM),
        datetime.combine(demo_day - timedelta(days=4), time(23, 59), tzinfo=AMSTERDAM),
    )
    assert output.startswith(f"Dag van de Lokale Democratie {demo_day.year} on {demo_day} (new): ")


def test_a_run_a_week_later_keeps_the_edition_as_it_was(db, time_machine):
    seed(attendees=10)
    before = edition()

    time_machine.move_to(timezone.now() + timedelta(days=7))
    output = seed(attendees=10)

    assert edition() == before
    assert f"on {before['date']} (kept)" in output.splitlines()[0]


def test_once_registration_has_closed_a_run_moves_the_edition_rounds_and_all(db, time_machine):
    seed(attendees=10)
    first = edition()
    sequences = workshop_sequences()

    # Three days before the day: registration has closed, the day has not come.
    time_machine.move_to(datetime.combine(first["date"] - timedelta(days=3), time(9), tzinfo=AMSTERDAM))
    output = seed(attendees=10)
    event = Event.objects.get()

    assert (event.pk, event.date) == (first["pk"], next_demo_day(timezone.localdate()))
    assert event.registration_is_open()
    assert {label: day for label, day, _starts, _ends in local_times(event)} == dict.fromkeys(
        [label for label, *_ in first["rounds"]], event.date
    )
    assert [(label, starts, ends) for label, _day, starts, ends in local_times(event)] == [
        (label, starts, ends) for label, _day, starts, ends in first["rounds"]
    ]
    assert workshop_sequences() == {slug: sequence + 1 for slug, sequence in sequences.items()}
    assert Registration.objects.count() == 10
    assert f"(moved from {first['date']})" in output.splitlines()[0]
    assert output.splitlines()[0].endswith("10 demo attendees (0 new).")


def test_an_organisers_new_times_for_a_round_survive_a_rerun_and_a_move(db, time_machine):
    seed()
    event = Event.objects.get()
    first_round = event.rounds.get(label="Workshopronde 1")
    services.reschedule_round(
        first_round,
        starts_at=datetime.combine(event.date, time(11, 15), tzinfo=AMSTERDAM),
        ends_at=datetime.combine(event.date, time(12, 15), tzinfo=AMSTERDAM),
    )
    seed()
    time_machine.move_to(timezone.now() + timedelta(days=60))
    seed()
    event = Event.objects.get()

    assert ("Workshopronde 1", event.date, "11:15", "12:15") in local_times(event)


def test_months_later_an_edition_people_registered_for_stays_and_a_fresh_one_takes_over(db, time_machine):
    seed(attendees=5)
    first = Event.objects.get()
    services.register(
        event=first, first_name="Anna", last_name="de Vries", email="anna@amersfoort.nl", role="raadslid"
    )

    time_machine.move_to(timezone.now() + timedelta(days=120))
    output = seed(attendees=5)

    past = Event.objects.get(pk=first.pk)
    fresh = Event.objects.get(slug=DEMO_SLUG)
    assert (past.slug, past.date, past.registrations.count()) == (
        f"{DEMO_SLUG}-{first.date}",
        first.date,
        6,
    )
    assert (fresh.date, fresh.registrations.count()) == (next_demo_day(timezone.localdate()), 5)
    assert Event.objects.current() == fresh
    assert f"(new; the one of {first.date} stays as {DEMO_SLUG}-{first.date})" in output.splitlines()[0]


def test_date_puts_the_edition_on_that_day_and_later_runs_keep_it(db, time_machine):
    seed()
    day = timezone.localdate() + timedelta(days=100)

    seed("--date", day.isoformat())
    moved = edition()
    time_machine.move_to(timezone.now() + timedelta(days=7))
    seed()

    assert edition() == moved
    assert moved["date"] == day
    assert moved["rounds"][0] == ("Plenaire opening", day, "10:00", "10:45")


def test_a_demo_day_in_the_past_still_gets_its_attendees_and_a_plain_run_moves_it_ahead(db):
    day = timezone.localdate() - timedelta(days=10)

    output = seed("--date", day.isoformat(), attendees=3)
    event = Event.objects.get()

    assert (event.date, event.registration_is_open(), demo_attendees(event)) == (day, False, 3)
    assert output.splitlines()[0].endswith("3 demo attendees (3 new).")

    seed(attendees=3)
    event = Event.objects.get()
    assert (event.date, event.registration_is_open(), demo_attendees(event)) == (
        next_demo_day(timezone.localdate()),
        True,
        3,
    )


@pytest.mark.parametrize("day", ["16-11-2027", "2027-02-30", "morgen"])
def test_a_date_that_is_not_yyyy_mm_dd_is_refused_and_nothing_is_stored(db, day):
    with pytest.raises(CommandError, match="not a date as YYYY-MM-DD"):
        seed("--date", day)

    assert Event.objects.count() == 0


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


def test_no_organiser_login_is_added_when_staff_exists(db):
    get_user_model().objects.create_user("beheerder", is_staff=True)

    output = seed()

    assert list(get_user_model().objects.values_list("username", flat=True)) == ["beheerder"]
    assert "organisator" not in output


def test_production_gets_no_demo_login_without_an_explicit_password(db, settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="set DEMO_PASSWORD"):
        seed()

    assert (get_user_model().objects.count(), Event.objects.count(), Workshop.objects.count()) == (0, 0, 0)


def test_production_demo_login_has_the_password_given(db, settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("DEMO_PASSWORD", "een-eigen-wachtwoord")

    seed()

    organiser = get_user_model().objects.get(username="organisator")
    assert (
        organiser.check_password("een-eigen-wachtwoord"),
        organiser.check_password("lokaledemocratie"),
    ) == (
        True,
        False,
    )


def test_production_may_seed_next_to_an_existing_organiser_without_a_password(db, settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    get_user_model().objects.create_user("beheerder", is_staff=True)

    seed()

    assert (Event.objects.count(), get_user_model().objects.count()) == (1, 1)


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
