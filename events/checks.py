"""Checks for a deployment (`manage.py check --deploy`): what the public pages promise must be set."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def privacy_statement_names_the_controller(app_configs, **kwargs):
    if settings.PRIVACY_CONTROLLER:
        return []
    return [
        Warning(
            "PRIVACY_CONTROLLER is empty: the privacy statement cannot name who is responsible.",
            hint="Set PRIVACY_CONTROLLER (organisation and address) and PRIVACY_CONTACT_EMAIL.",
            id="events.W001",
        )
    ]
