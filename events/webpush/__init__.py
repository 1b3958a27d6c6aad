"""Web Push to attendees' phones (VAPID): a subscription per browser that allowed it on the
attendee's own page, and the pushes of announcements and moved workshops. Models of the events app
(imported by events.models)."""
