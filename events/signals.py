"""How the core asks the apps built on it about one person's data: for an export, an erasure, and
the retention purge after the event.

Why signals: an export or an erasure must cover the tables of checkin and networking too, yet the
core must not import them (dependencies point one way). So the core defines the questions and each
app answers for its own tables, connecting its receivers in its AppConfig.ready(). The core sends
inside its own transaction, so a receiver that fails rolls the whole erasure back: nothing is ever
half erased.
"""

from django.dispatch import Signal

# Export. kwargs: registration. Each receiver returns a dict of sections for the JSON export; a
# `consents` list is merged with the core's, other keys are added as they are.
personal_data_requested = Signal()

# Erasure of one registration, sent before the core anonymises the row. kwargs: registration (still
# with its pk and event) and email (the address, for data found by address rather than by link).
# Each receiver removes what its app holds about that person and returns {what: count}.
registration_erased = Signal()

# Retention, after every registration of the event was erased. kwargs: event. Receivers remove
# personal data of the event that belongs to no registration (e.g. municipality signup contacts)
# and return {what: count}.
event_purged = Signal()
