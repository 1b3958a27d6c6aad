from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "events.certificates"
    label = "certificates"
    verbose_name = _("Certificates of attendance")

    def ready(self) -> None:
        # The certificate mail's builder; the answers to export and erasure.
        from events.certificates import emails, privacy  # noqa: F401
