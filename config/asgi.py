"""ASGI entry point: Django for HTTP, channels for the WebSockets under /ws/."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()  # before importing anything that touches models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import path  # noqa: E402

from checkin.consumers import DashboardConsumer  # noqa: E402
from checkin.middleware import BearerTokenMiddleware  # noqa: E402
from events.consumers import ProgrammeConsumer  # noqa: E402
from networking.consumers import NetworkConsumer  # noqa: E402


class SameSiteOrigin(OriginValidator):
    """Browsers always send Origin with a WebSocket and must come from our hosts. Other clients
    send none and cannot ride a visitor's cookies; they authenticate with a bearer token."""

    def __init__(self, application):
        super().__init__(application, [*settings.ALLOWED_HOSTS, *settings.CSRF_TRUSTED_ORIGINS])

    def valid_origin(self, parsed_origin) -> bool:
        return parsed_origin is None or self.validate_origin(parsed_origin)


websocket_urlpatterns = [
    path("ws/dashboard/", DashboardConsumer.as_asgi()),
    path("ws/programme/", ProgrammeConsumer.as_asgi()),
    path("ws/netwerk/", NetworkConsumer.as_asgi()),
]

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameSiteOrigin(
            AuthMiddlewareStack(BearerTokenMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
