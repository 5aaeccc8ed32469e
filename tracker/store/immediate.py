"""sqlite-utils' Database for the store's writes, imported only when something is written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils


class ImmediateDatabase(sqlite_utils.Database):
    """sqlite-utils' Database whose transactions take the write lock as they begin.

    A deferred transaction that reads and then writes fails at once with "database is
    locked" when another process wrote in between: its snapshot is stale, so SQLite cannot
    wait. Begun IMMEDIATE, it waits its turn on the busy timeout instead, and what it read
    (say, "this page is not the latest yet") still holds when it writes.
    """

    @contextmanager
    def atomic(self) -> Iterator[sqlite_utils.Database]:
        if self.conn.in_transaction:
            with super().atomic():  # a savepoint
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            with super().atomic():  # a savepoint inside the transaction begun above
                yield self
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
