"""Scheduled mails on the organisers' dashboard (see events.dashboard): how many are planned and
when the next goes out; of those sent, the recipients' mails waiting, sent and failed."""

from ninja import Schema

from events.dashboard import SECTIONS, DashboardSection
from events.messaging.scheduling import dashboard_figures


class ScheduledMailsOut(Schema):
    planned: int
    next_at: str | None  # ISO 8601 with the event's offset
    queued: int
    sent: int
    failed: int


SECTIONS.register(
    DashboardSection(
        key="scheduled_mails",
        schema=ScheduledMailsOut,
        figures=dashboard_figures,
        template="events/messaging/_dashboard_scheduled.html",
    )
)
