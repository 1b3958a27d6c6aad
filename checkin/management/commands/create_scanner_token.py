from django.core.management.base import BaseCommand, CommandError

from checkin.services import create_device
from events.models import Event


class Command(BaseCommand):
    help = "Create a scanner device for the current event and print its token (last line of output)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The door it scans at, e.g. 'Entrance north'.")

    def handle(self, *args, name: str, **options):
        event = Event.objects.current()
        if event is None:
            raise CommandError("There is no event yet; run `manage.py seed_demo` or create one in the admin.")
        device, token = create_device(event=event, name=name)
        self.stderr.write(f"Scanner device {device.name!r} (#{device.pk}) for {event.name}. Its token:")
        self.stdout.write(token)
