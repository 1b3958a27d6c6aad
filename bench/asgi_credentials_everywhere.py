"""The ASGI application as it was before public sockets skipped the credential middleware: every
socket behind the session, user and bearer-token lookups. bench.sockets' baseline (A/B in one run)."""

from config import asgi  # first: it sets Django up

every_socket = asgi.URLRouter(
    [*asgi.public_sockets.routes, asgi.path("ws/dashboard/", asgi.DashboardConsumer.as_asgi())]
)
application = asgi.ProtocolTypeRouter(
    {
        "http": asgi.django_asgi_app,
        "websocket": asgi.SameSiteOrigin(asgi.AuthMiddlewareStack(asgi.BearerTokenMiddleware(every_socket))),
    }
)
