"""Sessions in the database, as Django keeps them, but a cookie that holds no key Django could have
made is no session at all: a NUL in it would otherwise reach PostgreSQL, which refuses it (a 500).

A session that ends (logout, flush, a new key on login or password change) closes the sockets
opened with it, on every process, once the change commits."""

from functools import partial

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import transaction


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        return bool(key) and len(key) >= 8 and key.isascii() and key.isalnum()

    def delete(self, session_key: str | None = None) -> None:
        key = session_key or self.session_key
        super().delete(session_key)
        if key:
            from events import live  # here: the session engine may be imported before the apps load

            transaction.on_commit(partial(live.close_sockets, live.session_group(key)))
