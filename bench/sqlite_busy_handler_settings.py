"""What-if settings for an A/B run: Django's own SQLite backend, whose threads wait for the write
lock in SQLite's busy handler (sleeps of up to 100 ms), instead of config.sqlite's queue.

`python -m bench --database sqlite --only checkin --server-env DJANGO_SETTINGS_MODULE=bench.sqlite_busy_handler_settings`
"""

from config.settings import *  # noqa: F403
from config.settings import DATABASES, SQLITE_ENGINE

if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:
    DATABASES["default"]["ENGINE"] = "django.db.backends.sqlite3"
