from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Event and registrations")

    def ready(self) -> None:
        from events import emails  # noqa: F401  registers the e-mail builders
