"""`{% vapid_public_key as key %}`: the site's VAPID public key, "" when pushes are off."""

from django import template
from django.conf import settings

from events.webpush import push

register = template.Library()


@register.simple_tag
def vapid_public_key() -> str:
    return settings.VAPID_PUBLIC_KEY if push.configured() else ""
