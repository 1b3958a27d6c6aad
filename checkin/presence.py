"""A kiosk or registration desk paired as a device proves that someone is there in person.
A self check-in tablet is paired the same way but proves nothing: nobody stands behind it.

Pairing such a browser (checkin.scanner_views.pair, a same-site POST) sets a signed, HttpOnly
cookie with the device's token; it counts while the device is active, and stops within
SCANNER_DEVICE_MEMORY_SECONDS of a revocation or of pairing another browser to the device.
"""

from django.core import signing
from django.http import HttpRequest, HttpResponse

from checkin.models import Device
from checkin.services import IN_PERSON, authenticate_device
from config.cookies import set_private_cookie
from events.presence import PROVIDERS, Presence

DEVICE_COOKIE = "dld_device"
DEVICE_COOKIE_SALT = "checkin.presence.device"
# A kiosk is set up the day before and runs through the day; revoking it ends it sooner.
DEVICE_COOKIE_SECONDS = 7 * 24 * 3600


def remember_device(response: HttpResponse, token: str) -> None:
    set_private_cookie(response, DEVICE_COOKIE, token, salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_SECONDS)


def paired_device(request: HttpRequest) -> Device | None:
    """The active kiosk or desk whose cookie the request carries."""
    try:
        token = request.get_signed_cookie(DEVICE_COOKIE, salt=DEVICE_COOKIE_SALT)
    except (KeyError, signing.BadSignature):
        return None
    return authenticate_device(token, kinds=IN_PERSON)


@PROVIDERS.register
def paired_kiosk_or_desk(request: HttpRequest) -> Presence | None:
    device = paired_device(request)
    # A self check-in tablet stands alone at the entrance: nobody of the venue is behind it.
    if device is None or device.kind == Device.Kind.SELF:
        return None
    return Presence(kind=device.kind, label=device.name, event_id=device.event_id)
