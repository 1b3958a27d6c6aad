"""Live events of the networking app, published through events.live after commit."""

from events import live
from events.models import Event
from networking.meetings.selectors import meeting_counts
from networking.models import Signup
from networking.selectors import map_entry, offer_counts


def network(event_id: int) -> str:
    """Public: the signup page and the wall at the stand of one edition (see networking.consumers)."""
    return live.edition_group("network", event_id)


def signup_message(signup: Signup) -> dict:
    """The `signup` event: the offer's new counts and who took (or queued for) a place."""
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
        # The municipality's colour and figures on the map of the network pages.
        "map": map_entry(signup.offer.event, signup.municipality_id),
    }


def publish_signup(signup_id: int) -> None:
    """To the dashboard and the network pages of the signup's edition; nothing when the signup is
    gone by the time the commit hook runs."""
    signup = Signup.objects.select_related("municipality", "offer").filter(pk=signup_id).first()
    if signup is not None:
        event_id = signup.offer.event_id
        live.publish((live.dashboard(event_id), network(event_id)), signup_message(signup))


def publish_meetings(event_id: int) -> None:
    """The organisers' meeting counts (networking.dashboard), after a meeting changed."""
    event = Event.objects.filter(pk=event_id).first()
    if event is not None:
        live.publish(live.dashboard(event_id), {"type": "meetings", "meetings": meeting_counts(event)})
