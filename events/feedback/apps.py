from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "events.feedback"
    label = "feedback"
    verbose_name = _("Feedback on the sessions")

    def ready(self) -> None:
        # The reminder mail's builder and its periodic job; the answers to export and erasure.
        from events.feedback import emails, privacy, services  # noqa: F401
