"""Live events of the networking app, published through events.live after commit."""

from events import live
from networking.models import Signup
from networking.selectors import offer_counts

# Public: the signup page and the wall at the stand (see networking.consumers).
NETWORK = "network"


def signup_message(signup_id: int) -> dict | None:
    """The `signup` event: the offer's new counts and who took (or queued for) a place.
    None when the signup is gone by the time the commit hook runs."""
    signup = Signup.objects.select_related("municipality", "offer").filter(pk=signup_id).first()
    if signup is None:
        return None
    return {
        "type": "signup",
        "offer": offer_counts(signup.offer),
        "signup": {
            "municipality": signup.municipality.name,
            "province": signup.municipality.province,
            "status": signup.status,
            "position": signup.waitlist_position(),
            "created_at": signup.created_at.isoformat(),
        },
    }


def publish_signup(signup_id: int) -> None:
    live.publish((live.DASHBOARD, NETWORK), signup_message(signup_id))
