from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from events import demo
from events.errors import RegistrationError


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ArgumentTypeError(f"not a date as YYYY-MM-DD: {value!r}") from error


class Command(BaseCommand):
    help = (
        "Load the demo day: municipalities, the demo edition with its rooms, rounds, workshops, "
        "speakers and what the apps add (the offers), and an organiser login. Safe to run again. "
        "The demo edition is made on the first Tuesday at least six weeks from today, registration "
        "open from four weeks ago until four days before the day; a later run keeps it. Once its "
        "registration has closed or its day has passed, a run moves it to the next such Tuesday, "
        "rounds and all, unless people other than demo attendees registered for it: then it stays "
        "as a past edition and a fresh demo edition takes over. --date puts it on that day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--attendees",
            type=int,
            default=0,
            help="Number of demo attendees (e-mail addresses ending in .example) to have registered.",
        )
        parser.add_argument(
            "--date",
            dest="day",
            type=iso_date,
            default=None,
            metavar="YYYY-MM-DD",
            help="The demo edition's day (its rounds move with it); kept by later runs until its "
            "registration closes.",
        )

    def handle(self, *args, attendees: int, day: date | None, **options):
        if attendees < 0:
            raise CommandError("--attendees must be 0 or more.")
        try:
            event, summary = demo.seed_day(day)
        except demo.DemoPasswordRequired as error:
            raise CommandError(str(error)) from error
        added = 0
        if attendees:
            try:
                added = demo.seed_attendees(event, attendees)
            except RegistrationError as error:
                raise CommandError(f"Demo attendees stopped: {error.message}") from error
        contributed = "".join(f"{count} {what}, " for what, count in summary.contributed.items())
        self.stdout.write(
            self.style.SUCCESS(f"{event.name} on {event.date} ({summary.edition}): ")
            + f"{summary.municipalities} municipalities, {summary.rooms} rooms, {summary.rounds} rounds, "
            f"{summary.workshops} workshops (+{summary.sessions - summary.workshops} plenary sessions), "
            f"{contributed}{demo.demo_registrations(event).count()} demo attendees ({added} new)."
        )
        if summary.staff_created:
            self.stdout.write(
                f"Organiser login at /admin/: user '{demo.STAFF_USERNAME}', password from DEMO_PASSWORD "
                f"(in development, without it: '{demo.DEFAULT_STAFF_PASSWORD}')."
            )
