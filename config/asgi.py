"""ASGI entry point: Django for HTTP, channels for the WebSockets under /ws/."""

import gc
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)  # before importing anything that touches models

from django.conf import settings  # noqa: E402
from django.db import close_old_connections  # noqa: E402

from config.accesslog import redact_daphne_access_log  # noqa: E402

# daphne imports this module before it serves: its access log lines lose their secrets from the first.
redact_daphne_access_log()
from config import proxy  # noqa: E402

proxy.check_daphne_command_line(sys.argv)


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
            with outbox.traffic.request():  # the sender threads make way (events.outbox.Traffic)
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
from channels.security.websocket import WebsocketDenier  # noqa: E402
from django.http.request import split_domain_port, validate_host  # noqa: E402
from django.urls import path  # noqa: E402

from checkin.consumers import DashboardConsumer  # noqa: E402
from checkin.middleware import BearerTokenMiddleware  # noqa: E402
from config.origins import Origin, is_our_site, origin_of  # noqa: E402
from events import outbox  # noqa: E402
from events.consumers import ProgrammeConsumer  # noqa: E402
from events.room.consumers import RoomConsumer  # noqa: E402
from networking.consumers import NetworkConsumer  # noqa: E402


class SameSiteOrigin:
    """Browsers always send Origin with a WebSocket and must come from the site itself: the same
    scheme, host and port as the page the socket belongs to (the Host the socket was opened on,
    if it is one of ALLOWED_HOSTS; SITE_URL; CSRF_TRUSTED_ORIGINS). Other clients send no Origin
    and cannot ride a visitor's cookies; they authenticate with a bearer token."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        headers = {
            name.decode("latin1").lower(): value.decode("latin1") for name, value in scope.get("headers", [])
        }
        if "origin" not in headers or self.same_site(headers["origin"], scope, headers):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)

    def same_site(self, origin: str, scope, headers: dict[str, str]) -> bool:
        return is_our_site(origin, self.own_origin(scope, headers))

    @staticmethod
    def own_origin(scope, headers: dict[str, str]) -> Origin | None:
        """The origin of the site the socket was opened on, as Django would see its Host."""
        host = headers.get("host", "")
        if settings.USE_X_FORWARDED_HOST and "x-forwarded-host" in headers:
            host = headers["x-forwarded-host"].split(",")[-1].strip()
        domain, _port = split_domain_port(host)
        if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
            return None
        proxy_header, secure_value = settings.SECURE_PROXY_SSL_HEADER or ("", "")
        forwarded = headers.get(proxy_header.removeprefix("HTTP_").replace("_", "-").lower(), "")
        secure = scope.get("scheme") == "wss" or forwarded.split(",")[0].strip() == secure_value
        return origin_of(f"{'https' if secure else 'http'}://{host}")


# A server process retries the mails it (or a stopped process) could not send, so no cron is needed.
if settings.EMAIL_DELIVERY == "thread":
    outbox.start_retry_loop()

# Public sockets read no credential: the programme (every attendee's phone holds it open all
# day), the network and the rooms' polls skip the session, user and bearer-token middleware and
# the state it keeps per socket (about 5 of the 45 KiB an idle socket costs, bench/sockets.py).
public_sockets = URLRouter(
    [
        path("ws/programme/", ProgrammeConsumer.as_asgi()),
        path("ws/netwerk/", NetworkConsumer.as_asgi()),
        path("ws/room/<str:room_code>/", RoomConsumer.as_asgi()),
    ]
)
staff_sockets = AuthMiddlewareStack(
    BearerTokenMiddleware(URLRouter([path("ws/dashboard/", DashboardConsumer.as_asgi())]))
)


async def websockets(scope, receive, send):
    sockets = staff_sockets if scope["path"].startswith("/ws/dashboard/") else public_sockets
    return await sockets(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameSiteOrigin(websockets),
    }
)

# Everything loaded so far lives as long as the process: keep it out of the garbage collector's
# full passes, which otherwise stall every request in the process for ~100 ms now and then
# (the check-in p99, bench/README.md). And collect less often than every 700 new objects: a
# request's own objects are freed by reference counting; in an A/B run (one daphne, 10 scanners)
# this took check-ins from 250-263 to 282-308/s and their p99 from 73-75 to 53-64 ms.
gc.freeze()
gc.set_threshold(20_000, 50, 100)
