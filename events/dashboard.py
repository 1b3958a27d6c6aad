"""Sections the apps add to the organisers' dashboard (checkin's page, `GET /api/v1/stats` and the
dashboard's live snapshot), registered in their `dashboard.py` (see events.registry).

A section's figures join the statistics under its key, so the API, the snapshot and the page read
them like the dashboard's own; its template renders them on the page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from events.models import Event
from events.registry import Registry


@dataclass(frozen=True)
class DashboardSection:
    key: str  # where its figures go in the statistics, e.g. "offers"
    schema: Any  # their type in the API's schema, e.g. list[OfferStatsOut]
    figures: Callable[[Event], Any]  # JSON-able: they also go over the WebSocket
    template: str  # included in the dashboard page, with the statistics as `stats`


SECTIONS: Registry[DashboardSection] = Registry("dashboard")
