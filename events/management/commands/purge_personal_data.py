from collections import Counter
from contextlib import nullcontext
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from events import services
from events.models import Event


class Command(BaseCommand):
    help = (
        "Retention: erase the personal data of every event that took place more than N days ago "
        "(registrations, check-in links, contacts, connect codes, e-mails, municipality signup "
        "contacts). Anonymous counts remain. Safe to run again (cron, daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--after-days",
            type=int,
            default=settings.PERSONAL_DATA_RETENTION_DAYS,
            help="Days after the event (default: PERSONAL_DATA_RETENTION_DAYS, %(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be erased, change nothing."
        )

    def handle(self, *args, after_days: int, dry_run: bool, **options):
        if after_days < 0:
            raise CommandError("--after-days must be 0 or more")
        cutoff = timezone.localdate() - timedelta(days=after_days)
        events = list(Event.objects.filter(date__lt=cutoff).order_by("date", "pk"))
        verb = "would erase" if dry_run else "erased"
        total = Counter()
        # A dry run does the real work in one transaction and rolls it back: its figures are exact.
        # A real run commits registration by registration, so an interrupted run resumes.
        with transaction.atomic() if dry_run else nullcontext():
            for event in events:
                removed = services.purge_event(event)
                total.update(removed)
                details = ", ".join(f"{kind} {count}" for kind, count in sorted(removed.items()) if count)
                self.stdout.write(
                    f"{event.slug} ({event.date}): {verb} {details or 'nothing (already purged)'}"
                )
            if dry_run:
                transaction.set_rollback(True)
        if not events:
            self.stdout.write(f"No event took place before {cutoff}.")
        summary = ", ".join(f"{kind} {count}" for kind, count in sorted(total.items()) if count)
        self.stdout.write(
            f"Total: {verb} {summary or 'nothing'}{' (dry run: nothing changed)' if dry_run else ''}"
        )
