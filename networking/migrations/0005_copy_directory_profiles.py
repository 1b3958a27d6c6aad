"""The attendee directory's profile moves from events.Registration to networking.DirectoryProfile:
every registration with something to keep (listed, a consent time, interests or a line to talk
about) gets a profile with the same values and consent times. Runs before events drops the columns
(run_before), so the core's migrations never name networking. Reversible: going back copies the
profiles onto the registrations again."""

from django.db import migrations

BATCH = 500


def copy_to_profiles(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    DirectoryProfile = apps.get_model("networking", "DirectoryProfile")
    profiles = []
    for registration in Registration.objects.order_by("pk").iterator(chunk_size=BATCH):
        if not (
            registration.directory_opt_in
            or registration.directory_opt_in_at
            or registration.directory_opt_out_at
            or registration.interests
            or registration.talk_about
        ):
            continue
        profiles.append(
            DirectoryProfile(
                registration_id=registration.pk,
                listed=registration.directory_opt_in,
                interests=registration.interests,
                talk_about=registration.talk_about,
                joined_at=registration.directory_opt_in_at,
                left_at=registration.directory_opt_out_at,
            )
        )
    DirectoryProfile.objects.bulk_create(profiles, batch_size=BATCH)


def copy_to_registrations(apps, schema_editor):
    Registration = apps.get_model("events", "Registration")
    DirectoryProfile = apps.get_model("networking", "DirectoryProfile")
    for profile in DirectoryProfile.objects.order_by("pk").iterator(chunk_size=BATCH):
        Registration.objects.filter(pk=profile.registration_id).update(
            directory_opt_in=profile.listed,
            interests=profile.interests,
            talk_about=profile.talk_about,
            directory_opt_in_at=profile.joined_at,
            directory_opt_out_at=profile.left_at,
        )


class Migration(migrations.Migration):

    dependencies = [
        ("networking", "0004_directory_profile"),
    ]

    run_before = [
        ("events", "0010_remove_registration_directory_profile"),
    ]

    operations = [
        migrations.RunPython(copy_to_profiles, copy_to_registrations),
    ]
