from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkingConfig(AppConfig):
    name = "networking"
    verbose_name = _("Networking")

    def ready(self) -> None:
        from networking import emails  # noqa: F401  (registers the e-mail builders)
