from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Event and registrations")

    def ready(self) -> None:
        # Registers the e-mail builders and the sender thread's periodic jobs; the dashboard's
        # sections (held seats, webhooks switched off); the room's, the registration questions' and
        # the push subscriptions' parts in the export and the erasure. And the project's system
        # check of who may set the client's address (config.proxy).
        from config import proxy  # noqa: F401
        from events import checks, emails, holds, services, webhooks  # noqa: F401
        from events.announcements import services as announcements  # noqa: F401
        from events.messaging import dashboard as scheduled_mails  # noqa: F401
        from events.messaging import emails as group_emails  # noqa: F401
        from events.messaging import privacy as group_privacy  # noqa: F401
        from events.questions import privacy as question_privacy  # noqa: F401
        from events.room import privacy  # noqa: F401
        from events.webpush import privacy as push_privacy  # noqa: F401
