"""What the code of every table shares: the connection, sqlite-utils for writes, an insert
that returns its id and rows read as dicts.

Reads run on the plain `sqlite3` connection: importing sqlite-utils costs a read command more
than its query (it imports numpy whenever numpy is installed). sqlite-utils, over the same
connection, is made on the first write, schema change or migration (`Table.db`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from tracker.core.errors import StoreError

if TYPE_CHECKING:
    import sqlite_utils

T = TypeVar("T")


class Table:
    """A base for the per-table parts of `Store`; each part owns its tables' SQL."""

    conn: sqlite3.Connection
    _db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the store's connection, for writes, the schema and migrations."""
        if self._db is None:
            from tracker.store.immediate import ImmediateDatabase

            self._db = ImmediateDatabase(self.conn)
        return self._db

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """Each row of a query as a dict of its columns, streamed."""
        cursor = self.conn.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(columns, row, strict=True))

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert a row and return its integer primary key."""
        rowid = self.db.table(table).insert(row).last_rowid
        if rowid is None:
            raise StoreError(f"insert into {table} returned no row id")
        return rowid


# Parameters per statement, well under SQLite's limit (999 before version 3.32).
CHUNK = 500


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """`items` a statement's worth of parameters at a time."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(count: int, each: str = "?") -> str:
    """`count` parameter marks, comma-separated: `?, ?, ?` (or `(?), (?)` for VALUES)."""
    return ", ".join([each] * count)


class Described(msgspec.Struct, frozen=True):
    """What a table or view holds, and each column, for readers of the database itself
    (Datasette's metadata); kept beside the table's definition so a new column comes with it."""

    description: str
    columns: dict[str, str]
    # The column Datasette shows for a row that others point at (default: its `name`).
    label_column: str | None = None
    # Full-text search: the FTS table, and the column whose values are its rowids.
    searched_by: tuple[str, str] | None = None
