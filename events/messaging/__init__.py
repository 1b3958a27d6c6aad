"""Messages to a group: an organiser mails a chosen group of attendees through the outbox, each in
their own language and with their own private link. Models of the events app (imported by
events.models)."""
