"""What checkin adds to the attendee's own page: "I have lost my badge" (a new one, the old one void)."""

from events.extras import ATTENDEE_PANELS

ATTENDEE_PANELS.register("checkin/_manage_lost_badge.html")
