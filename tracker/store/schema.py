"""The database schema, as the migrations that build it; `Store` is the only code that runs them.

Each table is defined in the module that reads and writes it (``SCHEMA``: migration number
-> the statements that module adds at that step, or a function adding them where
sqlite-utils writes the SQL, as for a full-text index). Migration N runs every module's
step N, in the order below. Append-only: a released database is upgraded by running the
steps it lacks, and its version is ``PRAGMA user_version``.

Beside its ``SCHEMA`` each module describes its tables and views (``DESCRIBED``), for
whoever reads the database itself: `tracker datasette-metadata` prints them.
"""

import sqlite3
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

# Not `from __future__ import annotations` here: it would shadow the table module's name.
from tracker.store import (
    annotations,
    changes,
    fetches,
    guesses,
    names,
    outbox,
    pages,
    snapshots,
    views,
)
from tracker.store.table import Described

if TYPE_CHECKING:
    # Imported by the migrations that run, not by a store opened at the current version.
    import sqlite_utils

Migration = Callable[["sqlite_utils.Database"], None]
Step = str | Migration

# Views last: they read the tables the others define.
_OWNERS = (snapshots, pages, fetches, annotations, changes, outbox, names, guesses, views)
VERSION = max(number for owner in _OWNERS for number in owner.SCHEMA)
DESCRIBED: dict[str, Described] = {
    name: described for owner in _OWNERS for name, described in owner.DESCRIBED.items()
}


def _migration(number: int) -> Migration:
    steps: list[Step] = [owner.SCHEMA[number] for owner in _OWNERS if number in owner.SCHEMA]

    def migrate(db: "sqlite_utils.Database") -> None:
        for step in steps:
            if isinstance(step, str):
                for statement in _statements(step):
                    db.conn.execute(statement)
            else:
                step(db)

    return migrate


def _statements(script: str) -> Iterator[str]:
    """The statements of a script, to run inside the migration's transaction (the sqlite3
    module's executescript commits first; sqlite-utils' splits a character at a time, which
    takes seconds on a view definition of 14,000 characters)."""
    start, end = 0, script.find(";")
    while end != -1:
        if sqlite3.complete_statement(script[start : end + 1]):
            yield script[start : end + 1]
            start = end + 1
        end = script.find(";", end + 1)
    if script[start:].strip():
        yield script[start:]


MIGRATIONS: list[Migration] = [_migration(number) for number in range(1, VERSION + 1)]
