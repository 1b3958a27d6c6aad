from datetime import datetime

from ninja import Field, Schema

from events.webpush.models import ENDPOINT_MAX_LENGTH


class PushKeysIn(Schema):
    p256dh: str = Field(max_length=200, description="The browser's P-256 public key, base64url.")
    auth: str = Field(max_length=100, description="The browser's auth secret, base64url.")


class PushSubscriptionIn(Schema):
    """A browser's `PushSubscription.toJSON()` as it is."""

    endpoint: str = Field(
        max_length=ENDPOINT_MAX_LENGTH, description="The push service's address for this browser."
    )
    expirationTime: float | None = Field(
        None, description="Ignored: a push service says 404/410 when it ends."
    )
    keys: PushKeysIn


class PushSubscriptionOut(Schema):
    endpoint: str
    created_at: datetime
    last_success_at: datetime | None


class PushEndpointQuery(Schema):
    endpoint: str = Field(max_length=ENDPOINT_MAX_LENGTH, description="The subscription's endpoint.")
