"""The SQLite store: every fetch, every page's bytes, every snapshot and its listings.

Identity versus content: a page is identified by the sha256 of its raw bytes and stored
once, compressed; a snapshot points at the page it was read from, so every number traces
back to archived bytes. Writes that belong together go through ``Store.atomic()``: one
transaction, so a crash or Ctrl-C never leaves a partial snapshot.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import sqlite_utils

from tracker.core.errors import StoreError
from tracker.core.models import Listing, ParseResult, Snapshot, tier_rank
from tracker.core.stamps import parse_utc, sha256_hex, utc_text
from tracker.store.schema import MIGRATIONS


class Validators(NamedTuple):
    etag: str | None
    last_modified: str | None
    snapshot_id: int | None


def _snapshot_from_row(row: dict[str, Any]) -> Snapshot:
    return Snapshot(
        id=row["id"],
        source_id=row["source_id"],
        captured_at=parse_utc(row["captured_at"]),
        origin=row["origin"],
        page_sha256=row["page_sha256"],
        provenance=row["provenance"],
        parser_version=row["parser_version"],
        status=row["status"],
        reason=row["reason"],
        counts=json.loads(row["counts"]),
        member_count=row["member_count"],
        listing_count=row["listing_count"],
    )


def tier_counts(listings: Iterable[Listing]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for listing in listings:
        counts[listing.tier] = counts.get(listing.tier, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: tier_rank(item[0])))


class Store:
    """All reads and writes of the database. Pass a Database in; tests use in-memory ones."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.migrate()

    @classmethod
    def open(cls, path: Path) -> Store:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
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

    # Sources -------------------------------------------------------------------------

    def ensure_source(self, source_id: str, name: str, url: str) -> None:
        self.db.table("sources").upsert({"id": source_id, "name": name, "url": url}, pk="id")

    # Pages ---------------------------------------------------------------------------

    def put_page(self, content: bytes, *, headers: dict[str, str], seen_at: datetime) -> str:
        """Archive raw bytes once per distinct content; return their sha256."""
        digest = sha256_hex(content)
        if not self.has_page(digest):
            self.db.table("pages").insert(
                {
                    "sha256": digest,
                    "size": len(content),
                    "compression": "zlib",
                    "data": zlib.compress(content, 9),
                    "content_type": headers.get("content-type"),
                    "headers": json.dumps(headers, ensure_ascii=False, sort_keys=True),
                    "first_seen_at": utc_text(seen_at),
                }
            )
        return digest

    def has_page(self, digest: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM pages WHERE sha256 = ?", [digest]).fetchone() is not None
        )

    def page_bytes(self, digest: str) -> bytes:
        row = self.db.execute(
            "SELECT compression, data FROM pages WHERE sha256 = ?", [digest]
        ).fetchone()
        if row is None:
            raise StoreError(f"no archived page with sha256 {digest}")
        return zlib.decompress(row[1]) if row[0] == "zlib" else bytes(row[1])

    # Fetches -------------------------------------------------------------------------

    def record_fetch(self, row: dict[str, Any]) -> int:
        return self._insert("fetches", row)

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert a row and return its integer primary key."""
        rowid = self.db.table(table).insert(row).last_rowid
        if rowid is None:
            raise StoreError(f"insert into {table} returned no row id")
        return rowid

    def last_validators(self, source_id: str, url: str) -> Validators:
        """ETag and Last-Modified of the last fetch of this URL read as an ok page.

        A 304 answer to them means "still that page", so they come with the snapshot the
        page was read as: the one a not-modified fetch row must point at.
        """
        row = self.db.execute(
            "SELECT etag, last_modified, snapshot_id FROM fetches WHERE source_id = ? "
            "AND url = ? AND outcome IN ('new', 'unchanged') ORDER BY id DESC LIMIT 1",
            [source_id, url],
        ).fetchone()
        return Validators(*row) if row else Validators(None, None, None)

    def fetched_urls(self, source_id: str) -> set[str]:
        """URLs fetched with any outcome but error: what a resumed backfill can skip."""
        rows = self.db.execute(
            "SELECT DISTINCT url FROM fetches WHERE source_id = ? AND outcome != 'error'",
            [source_id],
        )
        return {row[0] for row in rows}

    def fetches(self, source_id: str, limit: int = 20) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT * FROM fetches WHERE source_id = ? ORDER BY id DESC LIMIT ?",
                [source_id, limit],
            )
        )

    # Snapshots -----------------------------------------------------------------------

    def add_snapshot(
        self,
        *,
        source_id: str,
        captured_at: datetime,
        origin: str,
        page_sha256: str,
        provenance: str | None,
        parsed: ParseResult,
        parser_version: str,
        status: str,
        reason: str | None,
        created_at: datetime,
        more_pages: Sequence[tuple[str, str]] = (),
    ) -> Snapshot:
        """``more_pages``: (url, sha256) of the pages after the first, in order."""
        listings = parsed.listings
        snapshot_id = self._insert(
            "snapshots",
            {
                "source_id": source_id,
                "captured_at": utc_text(captured_at),
                "origin": origin,
                "page_sha256": page_sha256,
                "provenance": provenance,
                "parser_version": parser_version,
                "method": parsed.method,
                "status": status,
                "reason": reason,
                "counts": json.dumps(tier_counts(listings)),
                "member_count": len({listing.key for listing in listings}),
                "listing_count": len(listings),
                "created_at": utc_text(created_at),
            },
        )
        self.db.conn.executemany(
            "INSERT INTO listings (snapshot_id, tier, tier_label, position, name, key) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(snapshot_id, x.tier, x.tier_label, x.position, x.name, x.key) for x in listings],
        )
        self.db.conn.executemany(
            "INSERT INTO snapshot_pages (snapshot_id, position, url, page_sha256) "
            "VALUES (?, ?, ?, ?)",
            [(snapshot_id, n, url, sha) for n, (url, sha) in enumerate(more_pages, start=2)],
        )
        return self.snapshot(snapshot_id)

    def page_digests(self, snapshot_id: int) -> list[str]:
        """The sha256 of every page a snapshot was read from, in page order."""
        first = self.snapshot(snapshot_id).page_sha256
        rows = self.db.execute(
            "SELECT page_sha256 FROM snapshot_pages WHERE snapshot_id = ? ORDER BY position",
            [snapshot_id],
        )
        return [first, *(row[0] for row in rows)]

    def snapshot(self, snapshot_id: int) -> Snapshot:
        rows = list(self.db.query("SELECT * FROM snapshots WHERE id = ?", [snapshot_id]))
        if not rows:
            raise StoreError(f"no snapshot {snapshot_id}")
        return _snapshot_from_row(rows[0])

    def snapshots(
        self,
        source_id: str,
        *,
        status: str | None = None,
        origin: str | None = None,
        until: datetime | None = None,
    ) -> list[Snapshot]:
        """Snapshots in time order (captured_at, then id), optionally filtered."""
        where, params = ["source_id = ?"], [source_id]
        for column, value in (("status", status), ("origin", origin)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if until is not None:
            # Inclusive: times are stored to the second, and two runs can share one.
            where.append("captured_at <= ?")
            params.append(utc_text(until))
        sql = f"SELECT * FROM snapshots WHERE {' AND '.join(where)} ORDER BY captured_at, id"
        return [_snapshot_from_row(row) for row in self.db.query(sql, params)]

    def latest(self, source_id: str, *, status: str | None = "ok") -> Snapshot | None:
        found = self.snapshots(source_id, status=status)
        return found[-1] if found else None

    def listings(self, snapshot_id: int) -> list[Listing]:
        rows = self.db.execute(
            "SELECT tier, tier_label, position, name, key FROM listings "
            "WHERE snapshot_id = ? ORDER BY rowid",
            [snapshot_id],
        ).fetchall()
        return [
            Listing.model_construct(tier=t, tier_label=lbl, position=p, name=n, key=k)
            for t, lbl, p, n, k in rows
        ]

    def member_keys(self, snapshot_id: int) -> set[str]:
        rows = self.db.execute(
            "SELECT DISTINCT key FROM listings WHERE snapshot_id = ?", [snapshot_id]
        )
        return {row[0] for row in rows}

    def set_status(
        self, snapshot_id: int, status: str, *, reason: str | None, at: datetime
    ) -> Snapshot:
        self.snapshot(snapshot_id)
        self.db.table("snapshots").update(
            snapshot_id,
            {"status": status, "reason": reason, "accepted_at": utc_text(at)},
        )
        return self.snapshot(snapshot_id)

    # References ----------------------------------------------------------------------

    def resolve(self, ref: str, source_id: str) -> Snapshot:
        """A snapshot id, `latest`, `previous`, `baseline` or a UTC date `YYYY-MM-DD`.

        Names and dates only ever pick ok snapshots; a quarantined one needs its id.
        """
        text = ref.strip().lower()
        if text.isdigit():
            snapshot = self.snapshot(int(text))
            if snapshot.source_id != source_id:
                raise StoreError(f"snapshot {text} belongs to source {snapshot.source_id!r}")
            return snapshot
        ok = self.snapshots(source_id, status="ok")
        picked = self._pick(text, ok)
        if picked is None:
            raise StoreError(
                f"no ok snapshot of {source_id!r} matches {ref!r}; {self._nearest(text, ok)}"
            )
        return picked

    @staticmethod
    def _pick(ref: str, ok: list[Snapshot]) -> Snapshot | None:
        if ref == "latest":
            return ok[-1] if ok else None
        if ref == "previous":
            return ok[-2] if len(ok) > 1 else None
        if ref == "baseline":
            baselines = [s for s in ok if s.origin == "baseline"]
            return baselines[-1] if baselines else None
        try:
            day = date.fromisoformat(ref)
        except ValueError:
            raise StoreError(
                f"bad snapshot reference {ref!r}: use an id, latest, previous, baseline "
                "or a date YYYY-MM-DD"
            ) from None
        end = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
        earlier = [s for s in ok if s.captured_at < end]
        return earlier[-1] if earlier else None

    @staticmethod
    def _nearest(ref: str, ok: list[Snapshot]) -> str:
        if not ok:
            return "there are no ok snapshots yet (run `tracker snapshot` or `tracker baseline import`)"
        try:
            day = datetime.fromisoformat(ref).replace(tzinfo=UTC)
        except ValueError:
            day = ok[-1].captured_at
        shown = sorted(ok, key=lambda s: abs(s.captured_at - day))[:3]
        listed = ", ".join(
            f"{s.id} ({s.captured_at:%Y-%m-%d}, {s.origin})"
            for s in sorted(shown, key=lambda s: (s.captured_at, s.id))
        )
        return f"nearest: {listed}"
