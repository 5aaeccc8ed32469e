"""The `fetches` table: every attempt to read a source, whatever became of it.

One row per attempt (live, file, baseline, Wayback): when it started, the transfer (URL,
final URL, HTTP status, ETag / Last-Modified, seconds, attempts), its ``outcome`` (``new``,
``unchanged``, ``not_modified``, ``error``, ``quarantined``), the error text, the sha256 of
the bytes that arrived and the snapshot they were read as. A failed run is recorded here
and nowhere else: it is an outcome, never a change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import msgspec

from tracker.core.models import PRESENT_ORIGINS, FetchOutcome, Transfer
from tracker.core.records import as_dict
from tracker.core.stamps import utc_text
from tracker.store.table import Described, Table

SCHEMA = {
    1: """
    CREATE TABLE fetches (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id),
        started_at TEXT NOT NULL,
        url TEXT NOT NULL,
        final_url TEXT,
        status_code INTEGER,
        outcome TEXT NOT NULL,
        error TEXT,
        sha256 TEXT,
        etag TEXT,
        last_modified TEXT,
        elapsed REAL,
        attempts INTEGER,
        snapshot_id INTEGER REFERENCES snapshots(id)
    );
    CREATE INDEX fetches_by_source ON fetches(source_id, id);
    """
}
DESCRIBED = {
    "fetches": Described(
        "Every attempt to read a source, whatever came of it: the record of the tracker's "
        "health (a failed fetch is an outcome, never a change).",
        {
            "id": "Attempt id.",
            "source_id": "The source read (`sources`).",
            "started_at": "When the attempt began (UTC).",
            "url": "URL requested.",
            "final_url": "URL answered from, after redirects.",
            "status_code": "HTTP status of the answer.",
            "outcome": "What came of it: new (a new snapshot), unchanged, not_modified (HTTP 304), error or quarantined.",
            "error": "The error, when the attempt failed.",
            "sha256": "sha256 of the bytes received.",
            "etag": "ETag the server sent.",
            "last_modified": "Last-Modified the server sent.",
            "elapsed": "Seconds the attempt took.",
            "attempts": "Tries it took (retries included).",
            "snapshot_id": "The snapshot it produced, if any.",
        },
    ),
}


class FetchRow(msgspec.Struct, frozen=True):
    """One attempt, as a row of `fetches`."""

    source_id: str
    started_at: datetime
    transfer: Transfer
    outcome: FetchOutcome
    error: str | None = None
    sha256: str | None = None
    snapshot_id: int | None = None

    def columns(self) -> dict[str, Any]:
        return {
            "source_id": self.source_id,
            "started_at": utc_text(self.started_at),
            **as_dict(self.transfer),
            "outcome": self.outcome,
            "error": self.error,
            "sha256": self.sha256,
            "snapshot_id": self.snapshot_id,
        }


class Validators(NamedTuple):
    etag: str | None
    last_modified: str | None
    snapshot_id: int | None


# The SQL spelling of "a reading of the present": the origins `is_present` accepts.
_PRESENT = ", ".join(f"'{origin}'" for origin in PRESENT_ORIGINS)


class Fetches(Table):
    def record_fetch(self, row: FetchRow) -> int:
        return self._insert("fetches", row.columns())

    def last_validators(self, source_id: str, url: str) -> Validators:
        """ETag and Last-Modified of the last fetch of this URL read as an ok page.

        A 304 answer to them means "still that page", so they come with the snapshot the
        page was read as: the one a not-modified fetch row must point at.
        """
        row = self.conn.execute(
            "SELECT etag, last_modified, snapshot_id FROM fetches WHERE source_id = ? "
            "AND url = ? AND outcome IN ('new', 'unchanged') ORDER BY id DESC LIMIT 1",
            [source_id, url],
        ).fetchone()
        return Validators(*row) if row else Validators(None, None, None)

    def fetched_urls(self, source_id: str) -> set[str]:
        """URLs fetched with any outcome but error: what a resumed backfill can skip."""
        rows = self.conn.execute(
            "SELECT DISTINCT url FROM fetches WHERE source_id = ? AND outcome != 'error'",
            [source_id],
        )
        return {row[0] for row in rows}

    def fetches(self, source_id: str, limit: int = 20) -> list[dict[str, Any]]:
        return list(
            self._rows(
                "SELECT * FROM fetches WHERE source_id = ? ORDER BY id DESC LIMIT ?",
                [source_id, limit],
            )
        )

    def snapshot_transfer(self, snapshot_id: int) -> tuple[str, int | None] | None:
        """The URL that answered the fetch a snapshot was first read from (after any redirect),
        and its HTTP status."""
        row = self.conn.execute(
            "SELECT COALESCE(final_url, url), status_code FROM fetches WHERE snapshot_id = ? "
            "AND outcome IN ('new', 'quarantined') ORDER BY id LIMIT 1",
            [snapshot_id],
        ).fetchone()
        return None if row is None else (str(row[0]), row[1])

    def fetch_url(self, fetch_id: int) -> str | None:
        row = self.conn.execute("SELECT url FROM fetches WHERE id = ?", [fetch_id]).fetchone()
        return None if row is None else str(row[0])

    def repoint_fetches(self, old: int, new: int) -> None:
        """Fetches that read snapshot `old` now name `new`, the version that corrected it."""
        self.db.execute("UPDATE fetches SET snapshot_id = ? WHERE snapshot_id = ?", [new, old])

    def present_readings(self, source_id: str, count: int) -> list[int]:
        """The ok snapshot each of the last `count` successful readings of the present read.

        Oldest first. A Wayback capture or a baseline import is a reading of the past: counted
        here, a backfill run between two ticks would confirm departures of years ago as news.
        So is a saved page dated before a snapshot stored earlier (`snapshot --file
        --captured-at`): its snapshot is a newer id than one captured later.
        A quarantined reading counts once it is accepted (its snapshot is ok now).
        """
        rows = self.conn.execute(
            "SELECT f.snapshot_id FROM fetches f JOIN snapshots s ON s.id = f.snapshot_id "
            "WHERE f.source_id = ? AND s.status = 'ok' "
            f"AND (s.origin IN ({_PRESENT}) OR f.outcome IN ('unchanged', 'not_modified')) "
            "AND NOT EXISTS (SELECT 1 FROM snapshots later WHERE later.source_id = s.source_id "
            "AND later.status = 'ok' AND later.captured_at > s.captured_at AND later.id < s.id) "
            "ORDER BY f.id DESC LIMIT ?",
            [source_id, count],
        ).fetchall()
        return [row[0] for row in reversed(rows)]

    def failures_before(self, source_id: str, url: str, fetch_id: int) -> int:
        """Failed or quarantined fetches of `url` in a row, before `fetch_id`."""
        where = "source_id = ? AND url = ? AND id < ?"
        params = [source_id, url, fetch_id]
        last_ok = self.conn.execute(
            f"SELECT COALESCE(MAX(id), 0) FROM fetches WHERE {where} "
            "AND outcome NOT IN ('error', 'quarantined')",
            params,
        ).fetchone()[0]
        count = self.conn.execute(
            f"SELECT COUNT(*) FROM fetches WHERE {where} AND id > ?", [*params, last_ok]
        ).fetchone()[0]
        return int(count)
