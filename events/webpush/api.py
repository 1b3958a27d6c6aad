"""API of Web Push subscriptions: the attendee's own page subscribes this browser, authorised by
the private link (the manage token), and unsubscribes it."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from events import selectors
from events.schemas import error_responses
from events.webpush import services
from events.webpush.schemas import PushEndpointQuery, PushSubscriptionIn, PushSubscriptionOut

router = Router(tags=["push"])


def subscription_out(subscription) -> dict:
    return {
        "endpoint": subscription.endpoint,
        "created_at": subscription.created_at,
        "last_success_at": subscription.last_success_at,
    }


@router.post(
    "registrations/{manage_token}/push-subscriptions",
    response={200: PushSubscriptionOut, 201: PushSubscriptionOut, **error_responses(400, 404, 409, 422)},
    summary="Notifications on this browser",
)
def subscribe_push(request: HttpRequest, manage_token: str, payload: PushSubscriptionIn):
    """The browser's push subscription (`PushSubscription.toJSON()`): it hears this attendee's
    announcements and workshop changes from now on. 201 new, 200 known already. Cancelled, or the
    site without VAPID keys: 409."""
    registration = selectors.registration_for_token(manage_token)
    subscription, created = services.subscribe(
        registration, endpoint=payload.endpoint, p256dh=payload.keys.p256dh, auth=payload.keys.auth
    )
    return Status(201 if created else 200, subscription_out(subscription))


@router.delete(
    "registrations/{manage_token}/push-subscriptions",
    response={204: None, **error_responses(400, 404, 422)},
    summary="No more notifications on this browser",
)
def unsubscribe_push(request: HttpRequest, manage_token: str, query: Query[PushEndpointQuery]):
    """Again, or for an endpoint never subscribed: 204 too."""
    services.unsubscribe(selectors.registration_for_token(manage_token), query.endpoint)
    return Status(204, None)
