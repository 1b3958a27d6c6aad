import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from events.auth import is_organiser
from events.errors import InvalidInput
from events.services import create_api_token
from events.services.api_tokens import DEFAULT_LIFETIME


class Command(BaseCommand):
    help = "Create an API token for an organiser and print it (last line of output)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The organiser's user name.")
        parser.add_argument(
            "--scopes",
            required=True,
            help="Comma-separated: read, programme, registrations, check-in, messages.",
        )
        parser.add_argument("--name", default="", help="What it is for (default: made on the command line).")
        parser.add_argument(
            "--days", type=int, default=DEFAULT_LIFETIME.days, help="Days until it expires (at most 366)."
        )

    def handle(self, *args, username: str, scopes: str, name: str, days: int, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        if not (user.is_active and is_organiser(user)):
            raise CommandError(f"{username!r} is no organiser (staff account): a token would not work.")
        wanted = [scope.strip() for scope in scopes.split(",") if scope.strip()]
        try:
            token, secret = create_api_token(
                user,
                name=name or "command line",
                scopes=wanted,
                expires_at=timezone.now() + datetime.timedelta(days=days),
            )
        except InvalidInput as invalid:
            problems = "; ".join(
                f"{field}: {' '.join(map(str, messages))}" for field, messages in invalid.errors.items()
            )
            raise CommandError(problems) from invalid
        expires = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        self.stderr.write(
            f"API token {token.name!r} (#{token.pk}) of {username} for {', '.join(token.scopes)}, "
            f"until {expires}. Its token:"
        )
        self.stdout.write(secret)
