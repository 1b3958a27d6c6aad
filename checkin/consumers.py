"""The organisers' dashboard socket."""

from channels.db import database_sync_to_async

from checkin.selectors import dashboard_snapshot
from events import live
from events.consumers import LiveConsumer
from events.selectors import current_event


class DashboardConsumer(LiveConsumer):
    """Staff only: a logged-in organiser (session cookie) or a scanner device (bearer token)."""

    live_groups = (live.DASHBOARD,)

    async def is_allowed(self) -> bool:
        user = self.scope.get("user")
        return bool(self.scope.get("device")) or bool(user and user.is_authenticated and user.is_staff)

    async def snapshot(self) -> dict:
        device = self.scope.get("device")
        return await database_sync_to_async(
            lambda: dashboard_snapshot(device.event if device else current_event())
        )()
