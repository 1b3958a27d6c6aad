"""The demo day: a realistic Dag van de Lokale Democratie to run, show and test the system with.

What the day holds (venue, rooms, rounds, speakers, sessions, what demo attendees are made of)
is `events/data/demo-day.toml`; this module loads it. Apps built on the core add their own part
in a `demo.py` of their own (found like `admin.py`), registered with `@seeder`: networking seeds
its offers there, so the core never imports it.

The demo edition has no fixed date. It is made on the next demo day (the first Tuesday at least
six weeks ahead), registration open from four weeks ago until four days before the day; a later
run keeps it as it is. Once its registration has closed (or its day has passed) a run without
`--date` moves it to the next demo day, rounds and all; if people other than demo attendees
registered for it, it stays as a past edition instead and a fresh demo edition takes over.
`--date` puts it on that day. Everything else is keyed on natural keys (slugs, names, labels), so
a rerun refreshes the same rows instead of adding new ones.

Demo attendees are made up by a seeded random generator and registered through
`events.services.register`, so their bookings obey capacity and waitlists like real ones; their
e-mail addresses end in `.example` and they are never mailed.
"""

import contextlib
import os
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from events.errors import InvalidInput
from events.messaging import scheduling
from events.messaging.models import ScheduledMail
from events.models import (
    Event,
    Municipality,
    Registration,
    Role,
    Room,
    Round,
    Speaker,
    Theme,
    Workshop,
)
from events.municipalities import load_municipalities
from events.registry import Registry
from events.services import register

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo-day.toml"

DEMO_WEEKDAY = 1  # Tuesday (date.weekday()): the day is held on a weekday, traditionally in November
WEEKS_AHEAD = 6
REGISTRATION_OPENED_WEEKS_AGO = 4
REGISTRATION_CLOSES_DAYS_BEFORE = 4

STAFF_USERNAME = "organisator"
DEFAULT_STAFF_PASSWORD = "lokaledemocratie"  # noqa: S105 - a demo login, overridable by DEMO_PASSWORD

DEMO_EMAIL_DOMAIN_SUFFIX = ".example"
# A municipality has one mayor, one secretary and one clerk; a second one is made a council member.
SINGLE_OFFICE_ROLES = {Role.MAYOR, Role.MUNICIPAL_SECRETARY, Role.CLERK}


def read_data(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@cache
def content() -> dict:
    return read_data(DATA_FILE)


# --- What the apps add ----------------------------------------------------------------------

# Called with the demo edition inside seed_day's transaction; returns what it seeded for the
# summary, e.g. {"offers": 4}.
Seeder = Callable[[Event], dict[str, int]]
SEEDERS: Registry[Seeder] = Registry("demo")


def seeder(function: Seeder) -> Seeder:
    """Register an app's part of the demo day (in that app's `demo.py`)."""
    return SEEDERS.register(function, stacklevel=2)


def seeders() -> list[Seeder]:
    return list(SEEDERS)


# --- The demo edition and its day -----------------------------------------------------------


def next_demo_day(today: date) -> date:
    """The first Tuesday at least six weeks after `today`."""
    earliest = today + timedelta(weeks=WEEKS_AHEAD)
    return earliest + timedelta(days=(DEMO_WEEKDAY - earliest.weekday()) % 7)


def local(day: date, time_of_day: time) -> datetime:
    return datetime.combine(day, time_of_day, tzinfo=ZoneInfo(content()["event"]["timezone"]))


def _dated(day: date, today: date) -> dict:
    """The fields of a demo edition on `day` that follow from its date."""
    opened = min(today, day) - timedelta(weeks=REGISTRATION_OPENED_WEEKS_AGO)
    return {
        "name": f"{content()['event']['name']} {day.year}",
        "date": day,
        "registration_opens_at": local(opened, time(8, 0)),
        "registration_closes_at": local(day - timedelta(days=REGISTRATION_CLOSES_DAYS_BEFORE), time(23, 59)),
    }


def _is_past(event: Event, now: datetime) -> bool:
    """Its registration has closed, or its day has passed: no edition to show registration with."""
    closed = event.registration_closes_at is not None and event.registration_closes_at <= now
    return closed or event.date < timezone.localdate(now)


def _has_real_registrations(event: Event) -> bool:
    return (
        Registration.objects.filter(event=event).exclude(email__iendswith=DEMO_EMAIL_DOMAIN_SUFFIX).exists()
    )


def _retire(event: Event) -> str:
    """Keep `event` as a past edition: it gives the demo slug up for one with its date."""
    slug = f"{event.slug}-{event.date.isoformat()}"
    if Event.objects.filter(slug=slug).exists():
        slug = f"{slug}-{event.pk}"
    Event.objects.filter(pk=event.pk).update(slug=slug)
    return slug


def _demo_edition(day: date | None) -> tuple[Event, str]:
    """The demo edition for this run and what happened to it (for the summary)."""
    slug = content()["event"]["slug"]
    now = timezone.now()
    today = timezone.localdate(now)
    event = Event.objects.select_for_update().filter(slug=slug).first()
    if event is not None and (event.date == day or (day is None and not _is_past(event, now))):
        return event, "kept"
    note = ""
    if event is not None and day is None and _has_real_registrations(event):
        note = f"; the one of {event.date} stays as {_retire(event)}"
        event = None
    day = day or next_demo_day(today)
    if event is None:
        return _create_edition(slug, day, today), f"new{note}"
    old_day = event.date
    Event.objects.filter(pk=event.pk).update(**_dated(day, today))
    _move_rounds(event, old_day, day)
    event.refresh_from_db()
    return event, f"moved from {old_day}"


def _create_edition(slug: str, day: date, today: date) -> Event:
    data = content()
    return Event.objects.create(
        slug=slug,
        venue=data["venue"]["name"],
        venue_address=data["venue"]["address"],
        venue_route=data["venue"]["route"],
        venue_latitude=data["venue"]["latitude"],
        venue_longitude=data["venue"]["longitude"],
        doors_open_at=time.fromisoformat(data["venue"]["doors_open"]),
        contact_phone=data["venue"]["contact_phone"],
        timezone=data["event"]["timezone"],
        capacity=data["event"]["capacity"],
        contact_email=data["event"]["contact_email"],
        **_dated(day, today),
    )


def _move_rounds(event: Event, old_day: date, new_day: date) -> None:
    """Every round to the same time of day on the new day (an organiser's new times stay new)."""
    zone = ZoneInfo(event.timezone)

    def moved(moment: datetime) -> datetime:
        moment = moment.astimezone(zone)
        return datetime.combine(moment.date() + (new_day - old_day), moment.time(), tzinfo=zone)

    for round_ in Round.objects.filter(event=event):
        Round.objects.filter(pk=round_.pk).update(
            starts_at=moved(round_.starts_at), ends_at=moved(round_.ends_at)
        )
    # New times are news for calendars that imported the workshops: bump their iCalendar SEQUENCE.
    Workshop.objects.filter(round__event=event).update(sequence=F("sequence") + 1, updated_at=timezone.now())


# --- The programme --------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    title: str
    description: str
    room: str
    capacity: int
    speakers: tuple[str, ...]
    theme: str = ""  # plenary sessions have no theme

    @property
    def slug(self) -> str:
        return slugify(self.title)[:80].strip("-")


def sessions_by_round() -> dict[str, list[Session]]:
    return {
        round_["label"]: [
            Session(
                title=session["title"],
                description=session["description"],
                room=session["room"],
                capacity=session["capacity"],
                speakers=tuple(session["speakers"]),
                theme=session.get("theme", ""),
            )
            for session in round_["sessions"]
        ]
        for round_ in content()["rounds"]
    }


@dataclass(frozen=True)
class Summary:
    edition: str  # "new", "kept", "moved from …"
    municipalities: int
    rooms: int
    rounds: int
    sessions: int
    workshops: int
    contributed: dict[str, int]  # what the apps seeded, e.g. {"offers": 4}
    staff_created: bool


def seed_day(day: date | None = None) -> tuple[Event, Summary]:
    """Create or refresh the demo edition (on `day` if given), its programme and what apps add."""
    load_municipalities()
    data = content()
    with transaction.atomic():
        event, edition = _demo_edition(day)
        rooms = {
            room["name"]: Room.objects.update_or_create(
                event=event,
                name=room["name"],
                defaults={"capacity": room["capacity"], "directions": room["directions"]},
            )[0]
            for room in data["venue"]["rooms"]
        }
        # Times only for a new round: a rerun must not undo an organiser's new times.
        rounds = {
            round_["label"]: Round.objects.update_or_create(
                event=event,
                label=round_["label"],
                defaults={"kind": round_["kind"]},
                create_defaults={
                    "kind": round_["kind"],
                    "starts_at": local(event.date, round_["starts"]),
                    "ends_at": local(event.date, round_["ends"]),
                },
            )[0]
            for round_ in data["rounds"]
        }
        speakers = {
            name: Speaker.objects.update_or_create(
                event=event,
                name=name,
                defaults={"role": person["role"], "organisation": person["organisation"]},
            )[0]
            for name, person in data["speakers"].items()
        }
        sessions = [(label, session) for label, listed in sessions_by_round().items() for session in listed]
        for label, session in sessions:
            _seed_session(event, rounds[label], rooms[session.room], session, speakers)
        contributed = {}
        for contribute in seeders():
            contributed.update(contribute(event))
        staff_created = _ensure_staff_user()
    return event, Summary(
        edition=edition,
        municipalities=Municipality.objects.count(),
        rooms=len(rooms),
        rounds=len(rounds),
        sessions=len(sessions),
        workshops=sum(1 for label, _ in sessions if rounds[label].kind == Round.Kind.WORKSHOPS),
        contributed=contributed,
        staff_created=staff_created,
    )


def _seed_session(
    event: Event, round_: Round, room: Room, session: Session, speakers: dict[str, Speaker]
) -> None:
    """Create the session, or refresh its texts; keyed by slug within the event.

    Room, round and capacity are what organisers change on the day (PATCH workshops/{id}), so a
    rerun (every `make run`) sets them only on creation: it must not undo a move, and moving a
    workshop back could collide with the one-workshop-per-room-and-round constraint.
    """
    texts = {"title": session.title, "description": session.description, "theme": session.theme}
    workshop = Workshop.objects.filter(round__event=event, slug=session.slug).first()
    if workshop is None:
        workshop = Workshop.objects.create(
            slug=session.slug, round=round_, room=room, capacity=session.capacity, **texts
        )
    else:
        changed = [field for field, value in texts.items() if getattr(workshop, field) != value]
        if changed:
            # A changed text is news for calendars that imported it: bump the iCalendar SEQUENCE.
            Workshop.objects.filter(pk=workshop.pk).update(
                sequence=F("sequence") + 1, updated_at=timezone.now(), **texts
            )
    workshop.speakers.set([speakers[name] for name in session.speakers])


class DemoPasswordRequired(Exception):
    """Production (DEBUG off) gets no superuser with the password everyone can read in the README."""


def staff_password() -> str:
    """DEMO_PASSWORD; without it the well-known demo password, in development (DEBUG) only."""
    password = os.environ.get("DEMO_PASSWORD", "")
    if password:
        return password
    if settings.DEBUG:
        return DEFAULT_STAFF_PASSWORD
    raise DemoPasswordRequired(
        f"DEBUG is off: set DEMO_PASSWORD to create the organiser login '{STAFF_USERNAME}' "
        "(or create one with `manage.py createsuperuser` first)."
    )


def _ensure_staff_user() -> bool:
    """An organiser login for the demo, unless somebody already has staff access."""
    user_model = get_user_model()
    if user_model.objects.filter(is_staff=True).exists():
        return False
    user_model.objects.create_superuser(
        username=STAFF_USERNAME,
        email="organisator@dagvandelokaledemocratie.example",
        password=staff_password(),
    )
    return True


# --- Demo attendees -------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    first_name: str
    last_name: str
    email: str
    role: str
    municipality: Municipality | None
    organisation: str
    needs: str
    directory_opt_in: bool
    interests: tuple[str, ...]
    talk_about: str
    workshops: tuple[Workshop, ...]


def demo_person(number: int, municipalities: list[Municipality], rounds: list[list[Workshop]]) -> DemoPerson:
    """Demo attendee `number` (1, 2, …): the same person every time, whatever else exists."""
    people = content()["attendees"]
    # One generator per person, so person 17 does not change when the list is made longer.
    rng = random.Random(f"{people['random_seed']}:{number}")
    first_name = rng.choice(people["first_names"])
    last_name = rng.choice(people["last_names"])
    if rng.random() < people["organisation_share"]:
        organisation = rng.choice(people["organisations"])
        organisation, domain = organisation["name"], organisation["domain"]
        municipality = None
        roles = people["organisation_roles"]
    else:
        organisation = ""
        municipality = rng.choice(municipalities)
        domain = slugify(municipality.name)
        roles = people["role_weights"]
    role = Role(rng.choices(list(roles), weights=list(roles.values()))[0])
    local_part = f"{slugify(first_name)}.{slugify(last_name).replace('-', '')}.{number}"
    needs = rng.choice(people["needs"]) if rng.random() < people["needs_share"] else ""
    directory_opt_in = rng.random() < people["directory_opt_in_share"]
    chosen = []
    for workshops in rounds:
        if rng.random() < people["no_workshop_share"]:
            continue
        # Bigger rooms draw more people, but less than in proportion: the small ones fill up.
        chosen.append(rng.choices(workshops, weights=[workshop.capacity + 30 for workshop in workshops])[0])
    # Drawn last, so that everything drawn before stays the same person.
    interests = tuple(sorted(rng.sample(Theme.values, rng.randint(1, 3)))) if directory_opt_in else ()
    talk_about = rng.choice(people["talk_about"]) if directory_opt_in else ""
    return DemoPerson(
        first_name=first_name,
        last_name=last_name,
        email=f"{local_part}@{domain}{DEMO_EMAIL_DOMAIN_SUFFIX}",
        role=role,
        municipality=municipality,
        organisation=organisation,
        needs=needs,
        directory_opt_in=directory_opt_in,
        interests=interests,
        talk_about=talk_about,
        workshops=tuple(chosen),
    )


def demo_registrations(event: Event):
    return Registration.objects.filter(
        event=event, status=Registration.Status.CONFIRMED, email__iendswith=DEMO_EMAIL_DOMAIN_SUFFIX
    )


def seed_attendees(event: Event, count: int) -> int:
    """Make sure `count` demo attendees are registered. Returns how many were added.

    They are registered through the real service (capacity and waitlists are real), as an
    organiser would import them: outside the registration window and without e-mail.
    """
    missing = count - demo_registrations(event).count()
    if missing <= 0:
        return 0
    municipalities = list(Municipality.objects.order_by("code"))
    rounds = [
        list(Workshop.objects.filter(round=round_, status=Workshop.Status.SCHEDULED).order_by("slug"))
        for round_ in event.rounds.filter(kind=Round.Kind.WORKSHOPS).order_by("starts_at")
    ]
    rounds = [workshops for workshops in rounds if workshops]
    taken = {
        email.lower() for email in Registration.objects.filter(event=event).values_list("email", flat=True)
    }
    offices_filled = set(
        demo_registrations(event)
        .filter(role__in=SINGLE_OFFICE_ROLES, municipality__isnull=False)
        .values_list("municipality_id", "role")
    )
    added = 0
    number = 0
    while added < missing:
        number += 1
        person = demo_person(number, municipalities, rounds)
        if person.email in taken:
            continue
        if person.municipality and person.role in SINGLE_OFFICE_ROLES:
            office = (person.municipality.pk, person.role)
            if office in offices_filled:
                person = replace(person, role=Role.COUNCILLOR)
            offices_filled.add(office)
        # Imported by the organisers, so neither the registration window nor e-mail applies.
        register(
            event=event,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            role=person.role,
            municipality=person.municipality,
            organisation=person.organisation,
            needs=person.needs,
            directory_opt_in=person.directory_opt_in,
            interests=person.interests,
            talk_about=person.talk_about,
            workshops=person.workshops,
            by_organiser=True,
            send_confirmation=False,
        )
        taken.add(person.email)
        added += 1
    return added


# --- The reminder -----------------------------------------------------------------------------


@seeder
def plan_demo_reminder(event: Event) -> dict[str, int]:
    """The built-in reminder two days before the demo day at 09:00, once (a rerun keeps the one
    planned or sent; a day too near for the preset gets none)."""
    reminders = ScheduledMail.objects.filter(event=event, kind=ScheduledMail.Kind.REMINDER).exclude(
        state=ScheduledMail.State.CANCELLED
    )
    if not reminders.exists():
        with contextlib.suppress(InvalidInput):  # its moment has passed
            scheduling.plan_reminder(event)
    return {"reminders planned": reminders.filter(state=ScheduledMail.State.PLANNED).count()}
