"""The database schema, as the migrations that build it; `Store` is the only code that runs them.

Each table is defined in the module that reads and writes it (``SCHEMA``: migration number
-> the statements that module adds at that step, or a function adding them where
sqlite-utils writes the SQL, as for a full-text index). Migration N runs every module's
step N, in the order below. Append-only: a released database is upgraded by running the
steps it lacks, and its version is ``PRAGMA user_version``.

Beside its ``SCHEMA`` each module describes its tables and views (``DESCRIBED``), for
whoever reads the database itself: `tracker datasette-metadata` prints them.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

# Not `from __future__ import annotations` here: it would shadow the table module's name.
from tracker.store import annotations, changes, fetches, names, outbox, pages, snapshots, views
from tracker.store.table import Described

if TYPE_CHECKING:
    # Imported by the migrations that run, not by a store opened at the current version.
    import sqlite_utils

Migration = Callable[["sqlite_utils.Database"], None]
Step = str | Migration

# Views last: they read the tables the others define.
_OWNERS = (snapshots, pages, fetches, annotations, changes, outbox, names, views)
VERSION = max(number for owner in _OWNERS for number in owner.SCHEMA)
DESCRIBED: dict[str, Described] = {
    name: described for owner in _OWNERS for name, described in owner.DESCRIBED.items()
}


def _migration(number: int) -> Migration:
    steps: list[Step] = [owner.SCHEMA[number] for owner in _OWNERS if number in owner.SCHEMA]

    def migrate(db: "sqlite_utils.Database") -> None:
        for step in steps:
            if isinstance(step, str):
                db.executescript(step)
            else:
                step(db)

    return migrate


MIGRATIONS: list[Migration] = [_migration(number) for number in range(1, VERSION + 1)]
