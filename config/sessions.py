"""Sessions in the database, as Django keeps them, but a cookie that holds no key Django could have
made is no session at all: a NUL in it would otherwise reach PostgreSQL, which refuses it (a 500)."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return bool(key) and len(key) >= 8 and key.isascii() and key.isalnum()
