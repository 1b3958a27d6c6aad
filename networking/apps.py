from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkingConfig(AppConfig):
    name = "networking"
    verbose_name = _("Networking")

    def ready(self) -> None:
        # Registers the e-mail builders and the periodic release of unconfirmed signups; answers
        # the core's export and erasure signals.
        from networking import emails, privacy, services  # noqa: F401
