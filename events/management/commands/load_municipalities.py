from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.municipalities import DEFAULT_PATH, load_municipality_file


class Command(BaseCommand):
    help = "Load (or update) the Dutch municipalities from a CSV with columns cbs_code,name,province."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, default=DEFAULT_PATH, help=f"CSV file to load (default: {DEFAULT_PATH})."
        )

    def handle(self, *args, file: Path, **options):
        try:
            summary = load_municipality_file(file)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        line = (
            f"Municipalities: {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged"
        )
        if summary.missing_from_file:
            line += f", {summary.missing_from_file} no longer in the file (kept)"
        self.stdout.write(self.style.SUCCESS(line) + ".")
