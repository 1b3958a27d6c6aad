from django.core.management.base import BaseCommand, CommandError

from events import demo
from events.errors import RegistrationError


class Command(BaseCommand):
    help = (
        "Load the demo day: municipalities, event, rooms, rounds, workshops, speakers, offers and an "
        "organiser login. Safe to run again. --attendees N makes sure N demo attendees are registered."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--attendees",
            type=int,
            default=0,
            help="Number of demo attendees (e-mail addresses ending in .example) to have registered.",
        )

    def handle(self, *args, attendees: int, **options):
        if attendees < 0:
            raise CommandError("--attendees must be 0 or more.")
        event, summary = demo.seed_day()
        added = 0
        if attendees:
            if not event.registration_is_open():
                raise CommandError(
                    f"Registration for {event.name} is closed, so no demo attendees can be registered."
                )
            try:
                added = demo.seed_attendees(event, attendees)
            except RegistrationError as error:
                raise CommandError(f"Demo attendees stopped: {error.message}") from error
        self.stdout.write(
            self.style.SUCCESS(f"{event.name}: ")
            + f"{summary.municipalities} municipalities, {summary.rooms} rooms, {summary.rounds} rounds, "
            f"{summary.workshops} workshops (+{summary.sessions - summary.workshops} plenary sessions), "
            f"{summary.offers} offers, {demo.demo_registrations(event).count()} demo attendees ({added} new)."
        )
        if summary.staff_created:
            self.stdout.write(
                f"Organiser login at /admin/: user '{demo.STAFF_USERNAME}', password from DEMO_PASSWORD "
                f"or else '{demo.DEFAULT_STAFF_PASSWORD}'."
            )
