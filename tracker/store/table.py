"""What the code of every table shares: the database handle and an insert that returns its id."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Described:
    """What a table or view holds, and each column, for readers of the database itself
    (Datasette's metadata); kept beside the table's definition so a new column comes with it."""

    description: str
    columns: dict[str, str]
    # The column Datasette shows for a row that others point at (default: its `name`).
    label_column: str | None = None
    # Full-text search: the FTS table, and the column whose values are its rowids.
    searched_by: tuple[str, str] | None = None
