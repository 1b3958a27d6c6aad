"""Django's SQLite backend, with the write lock queued inside the process.

SQLite lets one transaction write at a time. A second BEGIN IMMEDIATE finds the file locked and
its busy handler sleeps, in steps growing to 100 ms, before it tries again: ten scanners on four
view threads spent most of their slowest answers asleep while the lock had long been free. Here
the threads of one process wait for a Python lock first, which hands over the moment the holder
commits or rolls back. SQLite's own busy handler still arbitrates between processes.
"""

import threading

from django.db import OperationalError
from django.db.backends.sqlite3 import base

# One per process: every connection of the process writes to the same file.
_writer = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):
    holds_writer = False

    def _start_transaction_under_autocommit(self):
        # As long as SQLite itself would wait (its busy timeout), then its own error.
        if not _writer.acquire(timeout=self.settings_dict["OPTIONS"].get("timeout", 5)):
            raise OperationalError("database is locked")
        self.holds_writer = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer()
            raise

    def _release_writer(self):
        if self.holds_writer:
            self.holds_writer = False
            _writer.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            if not self.in_transaction_at_sqlite():
                self._release_writer()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writer()

    def in_transaction_at_sqlite(self) -> bool:
        return self.connection is not None and self.connection.in_transaction
