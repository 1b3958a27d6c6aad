import json

from django.core.management.base import BaseCommand, CommandError

from events import backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by export_event into an empty database (after `migrate`), with "
        "the same ids and secrets, so badges, private links and paired scanners keep working."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON file written by export_event.")

    def handle(self, *args, file: str, **options):
        try:
            with open(file, encoding="utf-8") as source:
                document = json.load(source)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except ValueError as error:
            raise CommandError(f"{file} is not JSON: {error}.") from error
        try:
            counts = backup.import_event(document)
        except backup.BackupError as error:
            raise CommandError(error.message) from error
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Restored {document.get('event')}: ") + summary)
