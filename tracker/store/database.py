"""The SQLite store: every fetch, every page's bytes, every snapshot and its listings.

Identity versus content: a page is identified by the sha256 of its raw bytes and stored
once, compressed; a snapshot points at the page it was read from, so every number traces
back to archived bytes. Writes that belong together go through ``Store.atomic()``: one
transaction, so a crash or Ctrl-C never leaves a partial snapshot. `Store` is assembled
from one part per table (``pages.py``, ``snapshots.py``, ``fetches.py``, ``changes.py``,
``outbox.py``, ``annotations.py``), each holding its tables' definition and all their SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from tracker.core.errors import StoreError
from tracker.store.annotations import Annotations
from tracker.store.changes import ChangeLog
from tracker.store.fetches import Fetches
from tracker.store.outbox import Outbox
from tracker.store.pages import Pages
from tracker.store.schema import MIGRATIONS
from tracker.store.snapshots import Snapshots


class Store(Snapshots, Pages, Fetches, Annotations, ChangeLog, Outbox):
    """All reads and writes of the database, one part per table. Pass a Database in; tests use
    in-memory ones."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.migrate()

    @classmethod
    def open(cls, path: Path) -> Store:
        # The caller decides whether a missing database or folder may be created.
        try:
            db = sqlite_utils.Database(path)
            # WAL lets readers (`tracker diff`) run while `tracker run` writes.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=5000")
            return cls(db)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(f"{path}: cannot open database: {exc}") from None

    def close(self) -> None:
        self.db.close()

    def migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(
                f"database schema version {version} is newer than this tracker "
                f"({len(MIGRATIONS)}); upgrade aiia-tracker"
            )
        for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.db.atomic():
                step(self.db)
                self.db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def atomic(self) -> Iterator[None]:
        with self.db.atomic():
            yield
