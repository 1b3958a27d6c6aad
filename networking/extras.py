"""What networking adds to a registration (see events.extras): the directory profile on the
registration form and in the registration API, and the networking panel (directory profile,
connect code, contacts) on the attendee's own page; the municipality's signups for the offers on
its delegation's page."""

from events.extras import ATTENDEE_PANELS, DELEGATION_PANELS, REGISTRATION_EXTRAS, RegistrationExtra
from events.models import Registration
from networking.forms import DirectoryProfileForm
from networking.schemas import DirectoryProfileIn, DirectoryProfileOut
from networking.selectors import directory_profile
from networking.services import update_directory_profile


def save(registration: Registration, values: dict) -> None:
    """A new registration's profile: stored only when the attendee joins the directory (then with
    the consent time), so a registration without it costs no query."""
    if values.get("directory_opt_in"):
        update_directory_profile(
            registration,
            directory_opt_in=True,
            interests=values.get("interests", ()),
            talk_about=values.get("talk_about", ""),
        )


def read(registration: Registration) -> dict:
    profile = directory_profile(registration)
    return {
        "directory_opt_in": profile.listed,
        "interests": profile.interests,
        "talk_about": profile.talk_about,
    }


REGISTRATION_EXTRAS.register(
    RegistrationExtra(
        form=DirectoryProfileForm,
        schema_in=DirectoryProfileIn,
        schema_out=DirectoryProfileOut,
        template="networking/_profile_fields.html",
        save=save,
        read=read,
    )
)
ATTENDEE_PANELS.register("networking/_manage_directory.html")
DELEGATION_PANELS.register("networking/_delegation_signups.html")
