import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events import backup
from events.models import Event


class Command(BaseCommand):
    help = (
        "Write a complete JSON backup of one edition (default: the current one): programme, "
        "registrations, bookings, devices, scans, check-ins, signups, contacts, outbox, municipalities "
        "and organiser accounts. It holds personal data and secrets: keep it like the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--event", metavar="SLUG", help="The edition to export (default: the current one)."
        )
        parser.add_argument("--output", metavar="FILE", help="Write to FILE (default: standard output).")

    def handle(self, *args, event: str | None, output: str | None, **options):
        if event:
            chosen = Event.objects.filter(slug=event).first()
            if chosen is None:
                slugs = ", ".join(Event.objects.order_by("date").values_list("slug", flat=True)) or "none"
                raise CommandError(f"No event with slug {event!r} (there are: {slugs}).")
        else:
            chosen = Event.objects.current()
            if chosen is None:
                raise CommandError("There is no event to export.")
        document = backup.export_event(chosen)
        text = backup.dumps(document)
        if not output:
            self.stdout.write(text, ending="")
            return
        # Written next to the target and renamed over it: a backup run that dies halfway (or a
        # full disk) never leaves a half-written file where the last good backup was.
        target = Path(output)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        total = sum(document["counts"].values())
        self.stderr.write(f"{chosen.slug}: {total} rows written to {target}")
