"""ASGI entry point: Django for HTTP, channels for the WebSockets under /ws/."""

import gc
import os
from concurrent.futures import ThreadPoolExecutor

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)  # before importing anything that touches models

from django.conf import settings  # noqa: E402
from django.db import close_old_connections  # noqa: E402


class SyncStackHandler(ASGIHandler):
    """Django over ASGI, for a site whose views and middleware are all synchronous.

    The stock handler hops between the event loop and a worker thread around every middleware
    (WhiteNoise is sync-only between async-capable ones: some fifteen hops a request) and gives
    every request a thread of its own, so a database connection of its own. Here the whole
    request runs in one call on one of VIEW_THREADS threads of the process, each keeping its
    database connection (CONN_MAX_AGE) from request to request: while one request waits for the
    database another one runs. Scale the CPU with several processes.
    """

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        self.view_threads = ThreadPoolExecutor(settings.VIEW_THREADS, thread_name_prefix="django-views")

    def respond(self, request):
        # What request_started/request_finished do for the thread that handles the request: the
        # stock handler sends them from another thread, whose connection is not this one.
        close_old_connections()
        try:
            return self.get_response(request)
        finally:
            close_old_connections()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def get_response_async(self, request):
        return await sync_to_async(self.respond, thread_sensitive=False, executor=self.view_threads)(request)


django_asgi_app = SyncStackHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from checkin.consumers import DashboardConsumer  # noqa: E402
from checkin.middleware import BearerTokenMiddleware  # noqa: E402
from events import mail  # noqa: E402
from events.consumers import ProgrammeConsumer  # noqa: E402
from networking.consumers import NetworkConsumer  # noqa: E402


class SameSiteOrigin(OriginValidator):
    """Browsers always send Origin with a WebSocket and must come from our hosts. Other clients
    send none and cannot ride a visitor's cookies; they authenticate with a bearer token."""

    def __init__(self, application):
        super().__init__(application, [*settings.ALLOWED_HOSTS, *settings.CSRF_TRUSTED_ORIGINS])

    def valid_origin(self, parsed_origin) -> bool:
        return parsed_origin is None or self.validate_origin(parsed_origin)


# A server process retries the mails it (or a stopped process) could not send, so no cron is needed.
if settings.EMAIL_DELIVERY == "thread":
    mail.start_retry_loop()

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

# Everything loaded so far lives as long as the process: keep it out of the garbage collector's
# full passes, which otherwise stall every request in the process for ~100 ms now and then
# (the check-in p99, bench/README.md). And collect less often than every 700 new objects: a
# request's own objects are freed by reference counting; in an A/B run (one daphne, 10 scanners)
# this took check-ins from 250-263 to 282-308/s and their p99 from 73-75 to 53-64 ms.
gc.freeze()
gc.set_threshold(20_000, 50, 100)
