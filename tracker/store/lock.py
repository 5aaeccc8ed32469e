"""One writer per database: `tracker run` holds an advisory lock beside the database file.

The lock is an flock on ``<database>.lock``; the kernel drops it when the process dies, so a
`kill -9` never leaves a stale lock behind. The file holds the holder's pid and start time
as JSON, only so that a second process can say who is in the way.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime
from pathlib import Path
from types import TracebackType

from tracker.core.errors import LockError, StoreError
from tracker.core.stamps import utc_text


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


class DatabaseLock:
    """Exclusive, non-blocking: acquiring a held lock raises LockError naming the holder."""

    def __init__(self, db_path: Path, *, command: str, now: datetime) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self.command = command
        self.now = now
        self._fd: int | None = None

    def acquire(self) -> DatabaseLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # O_CREAT without O_TRUNC: the holder's note must survive our failed attempt.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            # Name what failed: the lock file, or a folder on its way that is not one.
            where = exc.filename or self.path
            raise StoreError(
                f"cannot create lock file {self.path}: {where}: {exc.strerror or exc}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockError(f"database {self.db_path} is locked by {self._holder()}") from None
        note = {"pid": os.getpid(), "command": self.command, "started_at": utc_text(self.now)}
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(note).encode(), 0)
        except OSError as exc:
            # A full disk: a run that cannot write its lock note could not store a snapshot.
            os.close(fd)
            raise StoreError(f"cannot write lock file {self.path}: {exc.strerror or exc}") from None
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            try:
                os.ftruncate(self._fd, 0)
            except OSError:
                pass  # the note is only ever read while the lock is held
            os.close(self._fd)
            self._fd = None

    def _holder(self) -> str:
        try:
            note = json.loads(self.path.read_text(encoding="utf-8"))
            return f"{note['command']} pid {note['pid']} since {note['started_at']}"
        except (OSError, ValueError, KeyError, TypeError):
            # The holder is between taking the lock and writing its note.
            return "another process (it has not written its pid yet)"

    def __enter__(self) -> DatabaseLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
