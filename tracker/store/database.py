"""The SQLite store: every fetch, every page's bytes, every snapshot and its listings.

Identity versus content: a page is identified by the sha256 of its raw bytes and stored
once, compressed; a snapshot points at the page it was read from, so every number traces
back to archived bytes. Writes that belong together go through ``Store.atomic()``: one
transaction, so a crash or Ctrl-C never leaves a partial snapshot. `Store` is assembled
from one part per table (``pages.py``, ``snapshots.py``, ``fetches.py``, ``changes.py``,
``outbox.py``, ``annotations.py``, ``guesses.py``), each holding its tables' definition
and all their SQL.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.core.errors import StoreError
from tracker.store.annotations import Annotations
from tracker.store.changes import ChangeLog
from tracker.store.fetches import Fetches
from tracker.store.guesses import Guesses
from tracker.store.outbox import Outbox
from tracker.store.pages import Pages
from tracker.store.schema import MIGRATIONS
from tracker.store.snapshots import Snapshots

if TYPE_CHECKING:
    import sqlite_utils

# How long a write waits for another process's to finish (a capture's transaction takes well
# under a second; twenty `tracker snapshot` at once queue within this).
BUSY_TIMEOUT = 30.0


class Store(Snapshots, Pages, Fetches, Annotations, Guesses, ChangeLog, Outbox):
    """All reads and writes of the database, one part per table. Pass a connection in (or a
    sqlite-utils Database over one); tests use in-memory ones.

    Reads use the connection alone; sqlite-utils is imported on the first write (`Table.db`).
    """

    def __init__(self, db: sqlite3.Connection | sqlite_utils.Database) -> None:
        if isinstance(db, sqlite3.Connection):
            self.conn = db
        else:
            self.conn, self._db = db.conn, db
        self.migrate()

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> Store:
        """The database at `path`, for the commands that write, or with `read_only` for those
        that only read: then nothing is written to it, even where it could be.

        The caller decides whether a missing database or folder may be created.
        """
        try:
            if read_only:
                with _closed_on_error(_open_read_only(path)) as conn:
                    version = _version(conn)
                    if version == len(MIGRATIONS):
                        return cls(conn)
                conn.close()
                # Written by an older tracker: upgraded first, where it may be.
                refuse_read_only(path, upgrade_from=version)
            refuse_read_only(path)
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
            with _closed_on_error(connection):
                # WAL lets readers (`tracker diff`) run while `tracker run` writes.
                connection.execute("PRAGMA journal_mode=WAL")
                return cls(connection)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(f"{path}: cannot open database: {exc}") from None

    def close(self) -> None:
        self.conn.close()

    def migrate(self) -> None:
        if _version(self.conn) == len(MIGRATIONS):
            return
        # Inside the write lock: another process may be upgrading the same database.
        with self.atomic():
            version = _version(self.conn)
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                step(self.db)
                self.db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def atomic(self) -> Iterator[None]:
        with self.db.atomic():
            yield


def _version(conn: sqlite3.Connection) -> int:
    """The schema version of the database; StoreError when a newer tracker wrote it."""
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StoreError(
            f"database schema version {version} is newer than this tracker "
            f"({len(MIGRATIONS)}); upgrade aiia-tracker"
        )
    return version


@contextmanager
def _closed_on_error(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """The connection, closed if opening the store over it fails (a newer schema, a failed
    migration): an open connection would hold the file for the rest of the process."""
    try:
        yield conn
    except BaseException:
        conn.close()
        raise


def _open_read_only(path: Path) -> sqlite3.Connection:
    """`path` opened read-only (SQLite's ``mode=ro``).

    In WAL mode even a reader needs ``-shm`` beside the database, created if missing; where
    it cannot be (a read-only folder or file system), the database is opened ``immutable``:
    nobody can write there either. Not when ``-wal`` holds changes, which immutable would
    silently ignore: a stale reading is worse than none.
    """
    uri = f"{path.absolute().as_uri()}?mode=ro"
    conn = _connect(uri)
    try:
        conn.execute("PRAGMA user_version")
        return conn
    except sqlite3.OperationalError:
        # SQLITE_CANTOPEN on a read-only file system, SQLITE_READONLY_DIRECTORY in a folder.
        conn.close()
        if _read_only_reason(path) is None:
            raise
    wal = path.with_name(f"{path.name}-wal")
    if wal.is_file() and wal.stat().st_size:
        raise StoreError(
            f"{path} is read-only and {wal.name} beside it holds changes that SQLite can read "
            f"only with a {path.name}-shm file it cannot create there: copy the folder "
            "somewhere writable and read the copy"
        )
    return _connect(f"{uri}&immutable=1")


def _connect(uri: str) -> sqlite3.Connection:
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None)


def refuse_read_only(path: Path, *, upgrade_from: int | None = None) -> None:
    """StoreError, one line, when the database at `path` cannot be written to (or upgraded
    from schema version `upgrade_from`, for a command that only reads)."""
    reason = _read_only_reason(path)
    if reason is None:
        return
    if upgrade_from is None:
        raise StoreError(
            f"{path} is read-only: {reason}; commands that only read (`tracker members`, "
            "`tracker diff`…) still work"
        )
    raise StoreError(
        f"{path} is read-only: {reason}, and an older tracker wrote it (schema version "
        f"{upgrade_from}; this one reads {len(MIGRATIONS)}): read it with that version, or "
        "copy it somewhere writable, where this one upgrades it"
    )


def _read_only_reason(path: Path) -> str | None:
    """Why nothing can be written to the database at `path`, or None if it can be.

    Root may write where permissions say no, but not on a read-only file system: access()
    answers for this process, whoever runs it.
    """
    folder = path.parent
    if not os.access(folder, os.F_OK):
        return None  # the caller says the folder is missing
    if os.statvfs(folder).f_flag & os.ST_RDONLY:
        return f"it is on a read-only file system ({folder})"
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is not writable"
    if not os.access(folder, os.W_OK | os.X_OK):
        # Even a database that may be written needs its -wal and -shm files created beside it.
        return f"its folder {folder} is not writable (SQLite creates -wal and -shm files there)"
    return None
