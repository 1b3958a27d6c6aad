"""The move of the directory profile from events.Registration to networking.DirectoryProfile
(networking 0004-0005, events 0010): a database from before keeps every value and consent time,
registrations with nothing to keep get no profile, and going back restores the columns."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("events", "0006_alter_registration_needs"), ("networking", "0003_signup_contact_consent_time")]
DIRECTORY_FIELDS = {
    "directory_opt_in",
    "directory_opt_in_at",
    "directory_opt_out_at",
    "interests",
    "talk_about",
}


def migrate(targets):
    """Migrate the test database to `targets`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_apps():
    try:
        yield migrate(BEFORE)
    finally:
        migrate(latest())  # the other tests need today's schema


def registration(apps, event, n: int, **directory):
    Registration = apps.get_model("events", "Registration")
    return Registration.objects.create(
        event=event,
        reference=f"DLD-MIG{n}",
        first_name=f"Persoon{n}",
        last_name="Migratie",
        email=f"persoon{n}@example.org",
        role="raadslid",
        privacy_accepted_at=timezone.now(),
        badge_secret=f"badge{n}",
        badge_hash=f"badge-hash{n}",
        manage_token=f"token{n}",
        manage_token_hash=f"token-hash{n}",
        **directory,
    )


def test_every_profile_and_consent_time_is_kept(old_apps):
    Event = old_apps.get_model("events", "Event")
    event = Event.objects.create(
        slug="dld-migratie", name="DLD", date=timezone.localdate(), venue="Prodentfabriek", capacity=10
    )
    joined = timezone.now() - timedelta(days=3)
    left = joined + timedelta(days=1)
    listed = registration(
        old_apps,
        event,
        1,
        directory_opt_in=True,
        directory_opt_in_at=joined,
        interests=["inwoners-betrekken", "krachtige-gemeenteraad"],
        talk_about="Burgerberaden",
    )
    gone = registration(old_apps, event, 2, directory_opt_in_at=joined, directory_opt_out_at=left)
    never = registration(old_apps, event, 3)
    # Erased later: the profile was emptied, the consent times stayed.
    erased = registration(old_apps, event, 4, directory_opt_in_at=joined)

    new_apps = migrate(latest())

    DirectoryProfile = new_apps.get_model("networking", "DirectoryProfile")
    profiles = {
        profile.registration_id: (
            profile.listed,
            profile.interests,
            profile.talk_about,
            profile.joined_at,
            profile.left_at,
        )
        for profile in DirectoryProfile.objects.all()
    }
    assert profiles == {
        listed.pk: (True, ["inwoners-betrekken", "krachtige-gemeenteraad"], "Burgerberaden", joined, None),
        gone.pk: (False, [], "", joined, left),
        erased.pk: (False, [], "", joined, None),
    }
    assert never.pk not in profiles
    fields = {field.name for field in new_apps.get_model("events", "Registration")._meta.get_fields()}
    assert fields & DIRECTORY_FIELDS == set()

    back = migrate(BEFORE)

    rows = back.get_model("events", "Registration").objects.order_by("pk")
    assert [
        (
            row.directory_opt_in,
            row.interests,
            row.talk_about,
            row.directory_opt_in_at,
            row.directory_opt_out_at,
        )
        for row in rows
    ] == [
        (True, ["inwoners-betrekken", "krachtige-gemeenteraad"], "Burgerberaden", joined, None),
        (False, [], "", joined, left),
        (False, [], "", None, None),
        (False, [], "", joined, None),
    ]


def test_networking_copies_before_the_core_drops_the_columns():
    """The order is declared on networking's side: the core's migrations never name networking."""
    plan = MigrationExecutor(connection).loader.graph.forwards_plan(
        ("events", "0010_remove_registration_directory_profile")
    )

    assert plan.index(("networking", "0005_copy_directory_profiles")) < plan.index(
        ("events", "0010_remove_registration_directory_profile")
    )
