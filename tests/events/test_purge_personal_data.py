"""Retention: `manage.py purge_personal_data --after-days N` erases the personal data of events that
took place more than N days ago, and only those; anonymous counts remain; running it again is safe."""

import io
from datetime import datetime, time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from checkin.models import CheckIn, Scan
from checkin.services import create_device, redeem
from events import services
from events.models import Event, OutboundEmail, Registration, Room, Round, Workshop
from networking import services as networking
from networking.models import Contact, Signup, SignupContact
from tests.clock import AMSTERDAM, today
from tests.factories import create_offers
from tests.privacy import register


@pytest.fixture(autouse=True)
def _noon_today(time_machine):
    """Purging goes by days: hold the clock at noon today, so no test straddles midnight."""
    time_machine.move_to(datetime.combine(today(), time(12), tzinfo=AMSTERDAM), tick=False)


def past_event(slug: str, days_ago: int, municipalities) -> dict:
    """An edition `days_ago` days ago with two attendees who met, scanned in, and signed up."""
    date = timezone.localdate() - timedelta(days=days_ago)
    event = Event.objects.create(
        slug=slug, name=f"DLD {slug}", date=date, venue="Prodentfabriek", capacity=50
    )
    room = Room.objects.create(event=event, name="Zaal A", capacity=40)
    start = timezone.now() - timedelta(days=days_ago)
    round_ = Round.objects.create(
        event=event, label="Ronde 1", starts_at=start, ends_at=start + timedelta(hours=1)
    )
    workshop = Workshop.objects.create(slug="raad", title="Raad", round=round_, room=room, capacity=40)
    offers = create_offers(event)
    people = [
        register(
            event,
            f"Ilse{slug}",
            f"Oudendijk-{slug}",
            municipality=municipalities["GM0307"],
            workshops=[workshop],
        ),
        register(
            event, f"Joost{slug}", f"Vermeulen-{slug}", municipality=municipalities["GM0599"], role="griffier"
        ),
    ]
    device, _token = create_device(event=event, name="Ingang")
    for person in people:
        redeem(event=event, secret=person.registration.badge_secret, device=device)
    code = networking.connect_code_for(people[1].registration)
    networking.request_contact(requester=people[0].registration, secret=code.secret, note=f"Tot ziens {slug}")
    networking.sign_up(
        event=event,
        municipality=municipalities["GM0599"],
        contact_name=f"Karin{slug} Kiosk",
        contact_email=f"karin.{slug}@rotterdam.example",
        offers=[offers["quick-scan"]],
        consent=True,
    )
    return {"event": event, "people": people, "workshop": workshop}


@pytest.fixture
def editions(municipalities):
    return {
        "old": past_event("oud", 40, municipalities),
        "recent": past_event("recent", 5, municipalities),
    }


def purge(*args: str) -> str:
    out = io.StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def personal_texts(edition: dict) -> list[str]:
    slug = edition["event"].slug
    return [
        *(person.registration.first_name for person in edition["people"]),
        *(person.registration.last_name for person in edition["people"]),
        *(person.email for person in edition["people"]),
        f"Karin{slug} Kiosk",
        f"karin.{slug}@rotterdam.example",
        f"Tot ziens {slug}",
    ]


def figures(event: Event) -> dict:
    return {
        "registered": Registration.objects.filter(event=event, status="confirmed").count(),
        "checked_in": CheckIn.objects.filter(registration__event=event).count(),
        "scans": Scan.objects.filter(event=event).count(),
        "booked": event.rounds.get().workshops.get().bookings.count(),
        "signups": list(
            Signup.objects.filter(offer__event=event).values_list("municipality", "offer__slug", "status")
        ),
    }


def test_only_the_old_event_is_purged(editions, event):
    old, recent = editions["old"], editions["recent"]
    old_figures = figures(old["event"])

    output = purge("--after-days", "30")

    text = dump()
    assert [trace for trace in personal_texts(old) if trace in text] == []
    assert [trace for trace in personal_texts(recent) if trace not in text] == []
    assert figures(old["event"]) == old_figures  # anonymous counts remain
    assert Registration.objects.filter(event=old["event"], erased_at__isnull=True).count() == 0
    assert Registration.objects.filter(event=recent["event"], erased_at__isnull=False).count() == 0
    assert Registration.objects.filter(event=event, erased_at__isnull=False).count() == 0
    assert SignupContact.objects.filter(signup__offer__event=old["event"]).count() == 0
    assert SignupContact.objects.filter(signup__offer__event=recent["event"]).count() == 1
    assert not OutboundEmail.objects.filter(registration__event=old["event"]).exists()
    assert not OutboundEmail.objects.filter(to="karin.oud@rotterdam.example").exists()
    assert OutboundEmail.objects.filter(to="karin.recent@rotterdam.example").exists()
    assert not Contact.objects.filter(requester__event=old["event"]).exists()
    assert not Scan.objects.filter(event=old["event"], registration__isnull=False).exists()
    assert output.splitlines() == [
        f"oud ({old['event'].date}): erased connect_codes 1, contacts 1, emails 3, registrations 2, "
        "scans_unlinked 2, signup_contacts 1",
        "Total: erased connect_codes 1, contacts 1, emails 3, registrations 2, scans_unlinked 2, signup_contacts 1",
    ]


def test_running_again_changes_nothing(editions):
    purge("--after-days", "30")
    erased = dict(Registration.objects.filter(event=editions["old"]["event"]).values_list("pk", "erased_at"))
    before = dump()

    output = purge("--after-days", "30")

    assert output.splitlines() == [
        f"oud ({editions['old']['event'].date}): erased nothing (already purged)",
        "Total: erased nothing",
    ]
    assert dump() == before
    assert (
        dict(Registration.objects.filter(event=editions["old"]["event"]).values_list("pk", "erased_at"))
        == erased
    )


def test_dry_run_reports_the_same_and_changes_nothing(editions):
    before = dump()

    dry = purge("--after-days", "30", "--dry-run")

    assert dump() == before
    real = purge("--after-days", "30")
    assert dry.replace("would erase", "erased").replace(" (dry run: nothing changed)", "") == real
    assert dry.splitlines()[-1].endswith("(dry run: nothing changed)")


def test_after_days_defaults_to_the_retention_setting(editions):
    with override_settings(PERSONAL_DATA_RETENTION_DAYS=3):
        output = purge()

    assert "oud (" in output and "recent (" in output
    assert Registration.objects.filter(erased_at__isnull=True, event__slug__in=["oud", "recent"]).count() == 0


def test_nothing_to_do_is_said(event):
    assert purge("--after-days", "30").splitlines() == [
        f"No event took place before {timezone.localdate() - timedelta(days=30)}.",
        "Total: erased nothing",
    ]


def test_negative_days_are_refused(db):
    with pytest.raises(CommandError, match="--after-days must be 0 or more"):
        purge("--after-days", "-1")


def test_an_event_still_to_come_is_never_purged(event, make_attendee):
    make_attendee(1)
    with pytest.raises(ValueError, match="has not taken place yet"):
        services.purge_event(event)
    assert Registration.objects.filter(erased_at__isnull=False).count() == 0
