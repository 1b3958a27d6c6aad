import time

from django.core.management.base import BaseCommand

from events import outbox


class Command(BaseCommand):
    help = (
        "Send queued e-mails that are due (retries with backoff) and run the periodic jobs (seats of "
        "unproven addresses released). With --loop, keep doing so."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running (a worker process).")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between rounds with --loop.")

    def handle(self, *args, loop: bool, interval: float, **options):
        while True:
            sent, failed = outbox.deliver_due()
            outbox.run_periodic()
            if sent or failed or not loop:
                self.stdout.write(f"sent {sent}, not sent {failed}")
            if not loop:
                return
            time.sleep(interval)
