"""Networking's sections of the organisers' dashboard (see events.dashboard): the offers with their
places, waiting lists and the last municipality to sign up; the map of the network; the 1:1
meetings per slot and table. Live `signup` and `meetings` events keep them current."""

from events.dashboard import SECTIONS, DashboardSection
from networking.meetings.selectors import meeting_counts
from networking.schemas import MapEntryOut, MeetingStatsOut, OfferStatsOut
from networking.selectors import map_figures, offers_with_last_signup

for section in (
    DashboardSection(
        "offers", list[OfferStatsOut], offers_with_last_signup, "networking/_dashboard_offers.html"
    ),
    DashboardSection("map", list[MapEntryOut], map_figures, "networking/_dashboard_map.html"),
    DashboardSection("meetings", MeetingStatsOut, meeting_counts, "networking/_dashboard_meetings.html"),
):
    SECTIONS.register(section)
