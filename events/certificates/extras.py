"""The certificate panel on the attendee's own page (see events.extras)."""

from events.extras import ATTENDEE_PANELS

ATTENDEE_PANELS.register("events/certificates/_panel.html")
