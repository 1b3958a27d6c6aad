"""Live announcements: a short text an organiser pushes to every open public page (programme,
the attendee's own page, the network wall, dashboards, room screens) until it expires or is
withdrawn. Models of the events app (imported by events.models)."""
