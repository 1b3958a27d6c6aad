"""WebSocket authentication by `Authorization: Bearer <scanner token>` for non-browser clients."""

from channels.db import database_sync_to_async

from checkin.services import authenticate_device


class BearerTokenMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        scope["device"] = None
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                kind, _space, token = value.decode("latin1").partition(" ")
                if kind.lower() == "bearer" and token.strip():
                    scope["device"] = await database_sync_to_async(authenticate_device)(
                        token.strip(), fresh=True
                    )
        return await self.app(scope, receive, send)
