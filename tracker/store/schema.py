"""The database schema, as the migrations that build it; `Store` is the only code that runs them.

Each table is defined in the module that reads and writes it (``SCHEMA``: migration number
-> the statements that module adds at that step). Migration N runs every module's step N,
in the order below. Append-only: a released database is upgraded by running the steps it
lacks, and its version is ``PRAGMA user_version``.
"""

from collections.abc import Callable

import sqlite_utils

# Not `from __future__ import annotations` here: it would shadow the table module's name.
from tracker.store import annotations, changes, fetches, outbox, pages, snapshots

_OWNERS = (snapshots, pages, fetches, annotations, changes, outbox)
VERSION = max(number for owner in _OWNERS for number in owner.SCHEMA)

Migration = Callable[[sqlite_utils.Database], None]


def _migration(number: int) -> Migration:
    script = "".join(owner.SCHEMA.get(number, "") for owner in _OWNERS)

    def migrate(db: sqlite_utils.Database) -> None:
        db.executescript(script)

    return migrate


MIGRATIONS: list[Migration] = [_migration(number) for number in range(1, VERSION + 1)]
