"""The organisers' dashboard socket."""

from channels.db import database_sync_to_async
from django.http import Http404

from checkin import live as checkin_live
from checkin.selectors import dashboard_snapshot
from checkin.services import device_is_current
from events import live
from events.auth import is_organiser
from events.consumers import LiveConsumer, session_groups, session_still_staff
from events.models import Event


@database_sync_to_async
def _snapshot(event_id: int | None) -> dict:
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        raise Http404("no event")
    return dashboard_snapshot(event)


class DashboardConsumer(LiveConsumer):
    """Staff only: a logged-in organiser (session cookie) or a scanner device (bearer token). A
    device's socket is bound to the device's edition, an organiser's to the current one; either
    closes when the device is revoked or the session ends."""

    live_groups = (live.dashboard,)
    rechecked = True

    @property
    def device(self):
        return self.scope.get("device")

    async def is_allowed(self) -> bool:
        return bool(self.device) or is_organiser(self.scope.get("user"))

    async def edition(self) -> int | None:
        return self.device.event_id if self.device else await super().edition()

    def credential_groups(self) -> list[str]:
        return [checkin_live.device_group(self.device.pk)] if self.device else session_groups(self.scope)

    async def still_allowed(self) -> bool:
        if self.device:
            return await database_sync_to_async(device_is_current)(self.device)
        return await session_still_staff(self.scope)

    async def snapshot(self) -> dict:
        return await _snapshot(self.event_id)
