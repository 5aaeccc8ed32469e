"""The tables of readings: `sources`, `snapshots`, `snapshot_pages` and `listings`.

``snapshots``: one reading of a source at ``captured_at`` (UTC), from ``origin`` (live, file,
baseline, wayback, warc), pointing at the first page it was read from (``page_sha256``) and the
parser that read it; ``status`` is ``ok`` (believed, diffed), ``quarantined`` (kept as
evidence, with the ``reason``, until a person accepts it: ``accepted_at``) or ``replaced``
(a superseded baseline) or ``superseded`` (a reading `tracker reparse` corrected: the new
version, same page and time, is ``superseded_by``). ``counts``, ``member_count`` and ``listing_count`` are derived from
its listings, kept for quick listing. ``snapshot_pages``: the pages after the first of a
list split over pages (position 2, 3 …). ``listings``: a snapshot's member list in page
order, each line with its tier id, the tier label as written, its position in the tier,
the display name and the member key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import starmap
from typing import Any

from tracker.core.errors import StoreError
from tracker.core.models import (
    Listing,
    Origin,
    ParseResult,
    Snapshot,
    SnapshotStatus,
    tier_counts,
)
from tracker.core.stamps import parse_utc, utc_text
from tracker.store.table import Described, Table, chunks, marks

SCHEMA = {
    1: """
    CREATE TABLE sources (id TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL);
    CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL REFERENCES sources(id),
        captured_at TEXT NOT NULL,
        origin TEXT NOT NULL,
        page_sha256 TEXT NOT NULL REFERENCES pages(sha256),
        provenance TEXT,
        parser_version TEXT NOT NULL,
        method TEXT,
        status TEXT NOT NULL,
        reason TEXT,
        counts TEXT NOT NULL,
        member_count INTEGER NOT NULL,
        listing_count INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        accepted_at TEXT
    );
    CREATE INDEX snapshots_by_time ON snapshots(source_id, captured_at, id);
    CREATE TABLE listings (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
        tier TEXT NOT NULL,
        tier_label TEXT NOT NULL,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        key TEXT NOT NULL
    );
    CREATE INDEX listings_by_snapshot ON listings(snapshot_id);
    CREATE INDEX listings_by_key ON listings(key);
    """,
    2: """
    CREATE TABLE snapshot_pages (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
        position INTEGER NOT NULL,
        url TEXT NOT NULL,
        page_sha256 TEXT NOT NULL REFERENCES pages(sha256),
        PRIMARY KEY (snapshot_id, position)
    );
    """,
    3: """
    ALTER TABLE snapshots ADD COLUMN superseded_by INTEGER REFERENCES snapshots(id);
    """,
    # A reference (`latest`, `baseline`, a date) reads the one snapshot it names, down the
    # time order of the ok ones, or of one origin's.
    6: """
    CREATE INDEX snapshots_by_status ON snapshots(source_id, status, captured_at, id);
    CREATE INDEX snapshots_by_origin ON snapshots(source_id, origin, captured_at, id);
    """,
}

_SNAPSHOT = "The snapshot (a reading of a source's page at one time): see `snapshots`."
DESCRIBED = {
    "sources": Described(
        "The pages tracked, as configured: rows elsewhere name their source by its short id.",
        {
            "id": "Short id of the source, as in config.toml and every row that names it.",
            "name": "What the source is (the alliance and its members page).",
            "url": "The members page read.",
        },
        # Datasette labels a reference to a row by the `name` column of the table it points
        # at: every row of `snapshots` would repeat the source's long name. Its id is short.
        label_column="id",
    ),
    "snapshots": Described(
        "One reading of a source's members page at one time, with the archived page it was "
        "read from. Only `ok` readings are believed and compared; see `snapshot_summary` for "
        "the tier counts as columns.",
        {
            "id": "Snapshot id, as `tracker` commands take it.",
            "source_id": "The source read (`sources`).",
            "captured_at": "When the page was read (UTC, ISO 8601).",
            "origin": "How the page was obtained: live, file, baseline, wayback or warc.",
            "page_sha256": "sha256 of the raw bytes of the (first) page, archived in `pages`.",
            "provenance": "Where the bytes came from (URL, file, Wayback capture, WARC record).",
            "parser_version": "Version of the parser that read the page.",
            "method": "How the parser found the member list (which page structure).",
            "status": "ok (believed, compared), quarantined (kept as evidence until a person "
            "accepts it), replaced (a superseded baseline) or superseded (corrected by "
            "`tracker reparse`).",
            "reason": "Why the reading was quarantined, replaced or superseded.",
            "counts": 'Listings per tier as JSON text ({"board": 120, ...}); '
            "`snapshot_summary` has one column per tier.",
            "member_count": "Distinct members (keys) listed.",
            "listing_count": "Lines listed (a member in two tiers counts twice).",
            "created_at": "When the row was written (UTC).",
            "accepted_at": "When a person accepted the reading (`tracker accept`), if one did.",
            "superseded_by": "The snapshot that corrects this one (`tracker reparse`).",
        },
    ),
    "snapshot_pages": Described(
        "The pages after the first of a member list split over several pages.",
        {
            "snapshot_id": _SNAPSHOT,
            "position": "Page number (2, 3 ...; the first page is `snapshots.page_sha256`).",
            "url": "Where the page was read.",
            "page_sha256": "sha256 of the page's raw bytes, archived in `pages`.",
        },
    ),
    "listings": Described(
        "Each snapshot's member list, line by line in page order: millions of rows on a long "
        "record; `current_members` and `member_names` are the quicker ways in.",
        {
            "snapshot_id": _SNAPSHOT,
            "tier": "Tier id: chair, vice_chair, standing_board, board, ordinary or other.",
            "tier_label": "The tier's heading as the page wrote it.",
            "position": "Position within the tier, from 1.",
            "name": "The name as the page spelled it.",
            "key": "The member key: the name normalised, a member's identity across snapshots.",
        },
    ),
}


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
        superseded_by=row.get("superseded_by"),
    )


# The listings columns named as Listing's fields, in their order: a row is the record's
# arguments.
_LISTING_COLUMNS = ", ".join(Listing.__struct_fields__)


# Whether an ok snapshot of the source (the last parameter) lists the key `{key}` names
# (a column of the outer query), found by key.
_LISTED = (
    "SELECT 1 FROM listings l JOIN snapshots s ON s.id = l.snapshot_id "
    "WHERE l.key = {key} AND s.source_id = ? AND s.status = 'ok'"
)


def _filters(
    source_id: str, status: SnapshotStatus | None, origin: Origin | None
) -> tuple[list[str], list[Any]]:
    """The WHERE terms (and their parameters) picking a source's snapshots of a status and
    origin (either None for any)."""
    where, params = ["source_id = ?"], [source_id]
    for column, value in (("status", status), ("origin", origin)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return where, params


class Snapshots(Table):
    def ensure_source(self, source_id: str, name: str, url: str) -> None:
        self.db.table("sources").upsert({"id": source_id, "name": name, "url": url}, pk="id")

    def sources(self) -> list[tuple[str, str, str]]:
        """(id, name, url) of every source the database holds readings of, by id."""
        rows = self.conn.execute("SELECT id, name, url FROM sources ORDER BY id").fetchall()
        return [(source_id, name, url) for source_id, name, url in rows]

    def add_snapshot(
        self,
        *,
        source_id: str,
        captured_at: datetime,
        origin: Origin,
        page_sha256: str,
        provenance: str | None,
        parsed: ParseResult,
        parser_version: str,
        status: SnapshotStatus,
        reason: str | None,
        created_at: datetime,
        more_pages: Sequence[tuple[str, str]] = (),
        accepted_at: datetime | None = None,
    ) -> Snapshot:
        """``more_pages``: (url, sha256) of the pages after the first, in order.

        ``accepted_at``: when a person accepted the reading this one corrects (reparse).
        """
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
                "accepted_at": utc_text(accepted_at) if accepted_at else None,
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
        rows = self.conn.execute(
            "SELECT page_sha256 FROM snapshot_pages WHERE snapshot_id = ? ORDER BY position",
            [snapshot_id],
        )
        return [first, *(row[0] for row in rows)]

    def more_pages(self, snapshot_id: int) -> list[tuple[str, str]]:
        """(url, sha256) of the pages after the first a snapshot was read from, in order."""
        rows = self.conn.execute(
            "SELECT url, page_sha256 FROM snapshot_pages WHERE snapshot_id = ? ORDER BY position",
            [snapshot_id],
        )
        return [(url, sha) for url, sha in rows]

    def supersede(self, snapshot_id: int, successor: int, *, reason: str) -> None:
        """Mark a reading as corrected by `successor`; it stays as evidence, out of every chain."""
        self.db.execute(
            "UPDATE snapshots SET status = 'superseded', superseded_by = ?, reason = ? "
            "WHERE id = ?",
            [successor, reason, snapshot_id],
        )

    def accepted_at(self, snapshot_id: int) -> datetime | None:
        """When a person accepted the snapshot (`tracker accept`), if one did."""
        row = self.conn.execute(
            "SELECT accepted_at FROM snapshots WHERE id = ? AND status = 'ok'", [snapshot_id]
        ).fetchone()
        return parse_utc(row[0]) if row and row[0] else None

    def snapshot(self, snapshot_id: int) -> Snapshot:
        rows = list(self._rows("SELECT * FROM snapshots WHERE id = ?", [snapshot_id]))
        if not rows:
            raise StoreError(f"no snapshot {snapshot_id}")
        return _snapshot_from_row(rows[0])

    def snapshots(
        self,
        source_id: str,
        *,
        status: SnapshotStatus | None = None,
        origin: Origin | None = None,
        until: datetime | None = None,
    ) -> list[Snapshot]:
        """Snapshots in time order (captured_at, then id), optionally filtered."""
        where, params = _filters(source_id, status, origin)
        if until is not None:
            # Inclusive: times are stored to the second, and two runs can share one.
            where.append("captured_at <= ?")
            params.append(utc_text(until))
        sql = f"SELECT * FROM snapshots WHERE {' AND '.join(where)} ORDER BY captured_at, id"
        return [_snapshot_from_row(row) for row in self._rows(sql, params)]

    def snapshots_at(self, source_id: str, captured_at: datetime) -> list[Snapshot]:
        """The source's snapshots captured at exactly this time (to the second)."""
        rows = self._rows(
            "SELECT * FROM snapshots WHERE source_id = ? AND captured_at = ? ORDER BY id",
            [source_id, utc_text(captured_at)],
        )
        return [_snapshot_from_row(row) for row in rows]

    def latest(self, source_id: str, *, status: SnapshotStatus | None = "ok") -> Snapshot | None:
        return self.newest(source_id, status=status)

    def newest(
        self,
        source_id: str,
        *,
        status: SnapshotStatus | None = "ok",
        origin: Origin | None = None,
        before: datetime | None = None,
        back: int = 0,
    ) -> Snapshot | None:
        """The newest snapshot so filtered and captured before `before`, or the one `back`
        places before it: read down the time index, however long the history."""
        where, params = _filters(source_id, status, origin)
        if before is not None:
            where.append("captured_at < ?")
            params.append(utc_text(before))
        rows = self._rows(
            f"SELECT * FROM snapshots WHERE {' AND '.join(where)} "
            "ORDER BY captured_at DESC, id DESC LIMIT 1 OFFSET ?",
            [*params, back],
        )
        row = next(rows, None)
        return None if row is None else _snapshot_from_row(row)

    def snapshots_after(
        self, snapshot: Snapshot, *, origin: Origin | None = None
    ) -> Iterator[Snapshot]:
        """The snapshots of `snapshot`'s source captured after it (in time order, then id),
        streamed: the caller reads as far as it needs. Superseded readings are left out:
        their successors stand for them."""
        where, params = _filters(snapshot.source_id, None, origin)
        rows = self._rows(
            f"SELECT * FROM snapshots WHERE {' AND '.join(where)} "
            "AND status != 'superseded' AND (captured_at, id) > (?, ?) ORDER BY captured_at, id",
            [*params, utc_text(snapshot.captured_at), snapshot.id],
        )
        return (_snapshot_from_row(row) for row in rows)

    def listings(self, snapshot_id: int) -> list[Listing]:
        rows = self.conn.execute(
            f"SELECT {_LISTING_COLUMNS} FROM listings WHERE snapshot_id = ? ORDER BY rowid",
            [snapshot_id],
        )
        # Columns in the record's field order, by name: built without a Python loop.
        return list(starmap(Listing, rows))

    def ok_listing_rows(self, source_id: str) -> Iterator[tuple[int, str, str, int, str, str]]:
        """(snapshot id, tier, tier label, position, name, key) of every listing of every ok
        snapshot, in time order then page order: one query, streamed (ten years of daily
        snapshots hold two million listings)."""
        rows = self.conn.execute(
            "SELECT l.snapshot_id, l.tier, l.tier_label, l.position, l.name, l.key "
            "FROM snapshots s JOIN listings l ON l.snapshot_id = s.id "
            "WHERE s.source_id = ? AND s.status = 'ok' ORDER BY s.captured_at, s.id, l.rowid",
            [source_id],
        )
        yield from rows

    def reading_details(self, source_id: str) -> dict[int, tuple[str | None, list[str]]]:
        """Snapshot id -> (parse method, sha256 of the pages after the first, in order)."""
        found: dict[int, tuple[str | None, list[str]]] = {
            row[0]: (row[1], [])
            for row in self.conn.execute(
                "SELECT id, method FROM snapshots WHERE source_id = ?", [source_id]
            )
        }
        for snapshot_id, digest in self.conn.execute(
            "SELECT p.snapshot_id, p.page_sha256 FROM snapshot_pages p "
            "JOIN snapshots s ON s.id = p.snapshot_id WHERE s.source_id = ? "
            "ORDER BY p.snapshot_id, p.position",
            [source_id],
        ):
            found[snapshot_id][1].append(digest)
        return found

    def member_keys(self, snapshot_id: int) -> set[str]:
        rows = self.conn.execute(
            "SELECT DISTINCT key FROM listings WHERE snapshot_id = ?", [snapshot_id]
        )
        return {row[0] for row in rows}

    def set_status(
        self, snapshot_id: int, status: SnapshotStatus, *, reason: str | None, at: datetime
    ) -> Snapshot:
        self.snapshot(snapshot_id)
        self.db.table("snapshots").update(
            snapshot_id,
            {"status": status, "reason": reason, "accepted_at": utc_text(at)},
        )
        return self.snapshot(snapshot_id)

    def lists_key(self, source_id: str, key: str) -> bool:
        """Whether an ok snapshot of the source lists `key`: one lookup by key."""
        return bool(self.listed_keys(source_id, [key]))

    def listed_keys(self, source_id: str, keys: Iterable[str]) -> set[str]:
        """Those of `keys` some ok snapshot of the source lists: by key, each lookup stopping
        at its first believed listing, however long the history."""
        found: set[str] = set()
        for chunk in chunks(sorted(set(keys))):
            rows = self.conn.execute(
                f"SELECT v.column1 FROM (VALUES {marks(len(chunk), each='(?)')}) v "
                f"WHERE EXISTS ({_LISTED.format(key='v.column1')})",
                [*chunk, source_id],
            )
            found |= {row[0] for row in rows}
        return found

    def keys_containing(self, source_id: str, part: str) -> set[str]:
        """Every key containing `part` ever listed in an ok snapshot of the source."""
        # Searched among the distinct names of `member_names` (a few thousand where ten years
        # of daily snapshots list half a million), each found key then looked up by key.
        rows = self.conn.execute(
            "SELECT DISTINCT m.key FROM member_names m WHERE instr(m.key, ?) > 0 "
            f"AND EXISTS ({_LISTED.format(key='m.key')})",
            [part, source_id],
        )
        return {row[0] for row in rows}

    def latest_names(self, source_id: str, keys: Iterable[str]) -> dict[str, str]:
        """Each key's spelling in the latest ok snapshot of the source listing it."""
        found: dict[str, str] = {}
        for key in sorted(set(keys)):
            row = self.conn.execute(
                "SELECT l.name FROM listings l JOIN snapshots s ON s.id = l.snapshot_id "
                "WHERE l.key = ? AND s.source_id = ? AND s.status = 'ok' "
                "ORDER BY s.captured_at DESC, s.id DESC, l.rowid DESC LIMIT 1",
                [key, source_id],
            ).fetchone()
            if row is not None:
                found[key] = row[0]
        return found

    def listings_of(self, source_id: str, keys: set[str]) -> dict[int, list[Listing]]:
        """Snapshot id -> the listings of any of `keys` in that ok snapshot, in page order."""
        # A statement's worth of keys at a time: a user's import may name thousands, past
        # SQLite's limit on parameters (999 before 3.32), so the order is restored after.
        rows = sorted(
            row
            for chunk in chunks(sorted(keys))
            for row in self.conn.execute(
                "SELECT s.captured_at, s.id, l.rowid, l.tier, l.tier_label, l.position, l.name, "
                "l.key FROM listings l JOIN snapshots s ON s.id = l.snapshot_id "
                f"WHERE s.source_id = ? AND s.status = 'ok' AND l.key IN ({marks(len(chunk))})",
                [source_id, *chunk],
            )
        )
        found: dict[int, list[Listing]] = {}
        for _, snapshot_id, _, tier, label, position, name, key in rows:
            listing = Listing(tier=tier, tier_label=label, position=position, name=name, key=key)
            found.setdefault(snapshot_id, []).append(listing)
        return found
