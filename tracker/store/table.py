"""What the code of every table shares: the database handle and an insert that returns its id."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from tracker.core.errors import StoreError


class Table:
    """A base for the per-table parts of `Store`; each part owns its tables' SQL."""

    db: sqlite_utils.Database

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert a row and return its integer primary key."""
        rowid = self.db.table(table).insert(row).last_rowid
        if rowid is None:
            raise StoreError(f"insert into {table} returned no row id")
        return rowid
