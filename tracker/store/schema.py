"""The database schema, as the migrations that build it; `Store` is the only code that runs them.

What the tables hold: ``sources``; ``pages`` (every distinct page's raw bytes, zlib, by
sha256: the evidence); ``snapshots`` (one reading of a source at a time, pointing at the
first page it was read from) and ``snapshot_pages`` (the pages after the first, for a
list split over pages); ``listings`` (a snapshot's members in page order); ``fetches``
(every attempt, whatever its outcome); ``annotations`` (CSET's columns by member key);
``changes`` (the event log between consecutive ok snapshots); ``outbox`` (watcher
messages waiting to be delivered).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


def _migrate_1(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE sources (id TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL);
        CREATE TABLE pages (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            compression TEXT NOT NULL,
            data BLOB NOT NULL,
            content_type TEXT,
            headers TEXT,
            first_seen_at TEXT NOT NULL
        );
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
        CREATE TABLE annotations (
            key TEXT NOT NULL,
            origin TEXT NOT NULL,
            name TEXT NOT NULL,
            name_en_mt TEXT,
            common_name_en TEXT,
            common_name_zh TEXT,
            type TEXT,
            website TEXT,
            crunchbase_url TEXT,
            location TEXT,
            city TEXT,
            province TEXT,
            size TEXT,
            focus TEXT,
            industry TEXT,
            ai_category TEXT,
            key_products TEXT,
            state_owned INTEGER,
            not_chinese INTEGER,
            public_company INTEGER,
            exchange TEXT,
            ticker TEXT,
            notes TEXT,
            extra TEXT,
            PRIMARY KEY (key, origin)
        );
        CREATE TABLE changes (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL REFERENCES sources(id),
            old_snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
            new_snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            name TEXT NOT NULL,
            tier TEXT,
            old_key TEXT,
            old_name TEXT,
            old_tier TEXT,
            direction TEXT,
            score REAL,
            listed TEXT,
            old_listed TEXT
        );
        CREATE INDEX changes_by_snapshot ON changes(source_id, new_snapshot_id);
        CREATE INDEX changes_by_key ON changes(key);
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            watcher TEXT NOT NULL,
            source_id TEXT NOT NULL,
            event TEXT NOT NULL,
            snapshot_id INTEGER REFERENCES snapshots(id),
            payload TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT
        );
        CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
        """
    )


def _migrate_2(db: sqlite_utils.Database) -> None:
    # The pages after the first of a list split over pages (the first is snapshots.page_sha256).
    db.executescript(
        """
        CREATE TABLE snapshot_pages (
            snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
            position INTEGER NOT NULL,
            url TEXT NOT NULL,
            page_sha256 TEXT NOT NULL REFERENCES pages(sha256),
            PRIMARY KEY (snapshot_id, position)
        );
        """
    )


# Append-only: a released database is upgraded by running the migrations it lacks.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_migrate_1, _migrate_2]
