"""In the room: live polls and moderated questions per session (a workshop, or a plenary).

Each session gets a `LiveRoom` with a short code (shown on the screen, typed or scanned by phones)
and a moderator token (a speaker's private link). Models in `models.py` (part of the events app),
state changes in `services.py`, the API in `api.py`, the public socket in `consumers.py`, its
messages in `live.py`, pages in `views.py`.
"""
