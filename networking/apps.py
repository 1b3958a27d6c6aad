from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkingConfig(AppConfig):
    name = "networking"
    verbose_name = _("Networking")

    def ready(self) -> None:
        # Registers the e-mail builders; answers the core's export and erasure signals.
        from networking import emails, privacy  # noqa: F401
