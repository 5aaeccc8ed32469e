"""The `changes` table: the event log between consecutive ok snapshots of a source.

History, feeds and watchers read events from here instead of recomputing diffs. The log is
derived data, kept in step with the chain of ok snapshots by `tracker.app.settle`.

Columns: ``old_snapshot_id``/``new_snapshot_id`` name the pair of consecutive ok snapshots,
``at`` is the newer one's capture time and ``kind`` the change kind (`tracker.core.kinds`).
``tier``/``name``/``key`` describe the member in the newer snapshot and
``old_tier``/``old_name``/``old_key`` in the older one, so a departure has only
``old_tier`` and a join only ``tier``. ``direction`` (promotion, demotion) and ``score``
(rename likelihood, 0-100) belong to tier changes and renames; ``listed``/``old_listed``
are "+"-joined tier ids of every listing ("board+ordinary"), set for listing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tracker.core.kinds import CHANGE_KINDS
from tracker.core.models import Snapshot
from tracker.core.stamps import utc_text
from tracker.store.table import Described, Table

if TYPE_CHECKING:
    # A type only: every command opens the store, and the diff is not every command's.
    from tracker.core.diff import Diff

SCHEMA = {
    1: """
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
    """,
    # `member_events` follows renames back from a member's key for its annotation, and
    # lists events newest first: a page of it reads a few rows, not the whole log.
    4: """
    CREATE INDEX changes_renames ON changes(source_id, key) WHERE kind = 'renamed';
    CREATE INDEX changes_newest ON changes(at DESC, id);
    """,
    # Which version of the diff's rules logged each source's events (`LOG_RULES`): a log
    # of other rules is rebuilt, so that `history` (the log) and `diff` (live) never tell
    # one member's story two ways. IF NOT EXISTS: some databases at version 7 hold it (it
    # was added to migration 7 after a build had upgraded others to 7 without it).
    8: """
    CREATE TABLE IF NOT EXISTS change_log_rules (
        source_id TEXT PRIMARY KEY REFERENCES sources(id),
        rules TEXT NOT NULL
    );
    """,
}
# Shared with `member_events`, which shows every event with its member's annotation.
EVENT_COLUMNS = {
    "source_id": "The source whose readings changed (`sources`).",
    "old_snapshot_id": "The older snapshot of the pair compared.",
    "new_snapshot_id": "The newer snapshot of the pair compared.",
    "at": "When the newer snapshot was captured (UTC): when the change was seen.",
    "kind": "What changed: joined, departed, tier_changed, renamed (a likely rename: see `score`) or listing_changed (how it is listed, not its tier).",
    "key": "The member's key (in the newer snapshot; a departed member's last key).",
    "name": "The member's name as listed (in the newer snapshot, else the older).",
    "tier": "Its tier in the newer snapshot (blank for a departure).",
    "old_key": "Its key in the older snapshot (a rename's former key).",
    "old_name": "Its name in the older snapshot.",
    "old_tier": "Its tier in the older snapshot (blank for a join).",
    "direction": "promotion or demotion, for a tier change.",
    "score": "How likely a rename is the same organisation, 0-100.",
    "listed": "Every tier it is listed under in the newer snapshot, '+'-joined.",
    "old_listed": "Every tier it was listed under in the older snapshot, '+'-joined.",
}
DESCRIBED = {
    "changes": Described(
        "The event log: what changed between each pair of consecutive ok snapshots of a "
        "source. `member_events` shows it with each member's annotation.",
        {"id": "Event id.", **EVENT_COLUMNS},
    ),
    "change_log_rules": Described(
        "Which version of the tracker's rules (joins, departures, tier changes, renames) "
        "logged each source's events; a log of other rules is rebuilt when the tracker "
        "next opens the database where it may write.",
        {"source_id": "The source (`sources`).", "rules": "The version of the rules."},
    ),
}
OPTIONAL = ("tier", "old_key", "old_name", "old_tier", "direction", "score", "listed", "old_listed")


def event_rows(diff_: Diff, old: Snapshot, new: Snapshot) -> Iterator[dict[str, Any]]:
    """The diff as `changes` rows, one per event."""
    # Every row carries every column: insert_all takes its columns from the rows.
    base: dict[str, Any] = dict.fromkeys(OPTIONAL) | {
        "source_id": new.source_id,
        "old_snapshot_id": old.id,
        "new_snapshot_id": new.id,
        "at": utc_text(new.captured_at),
    }
    for kind in CHANGE_KINDS:
        for change in diff_.changes(kind):
            yield {**base, "kind": kind.event, **change.event_fields()}


class ChangeLog(Table):
    def log_pair(self, diff_: Diff, old: Snapshot, new: Snapshot) -> None:
        """Log the events between two consecutive ok snapshots."""
        rows = list(event_rows(diff_, old, new))
        if rows:
            self.db.table("changes").insert_all(rows)

    def forget_pairs(self, source_id: str, *, starting: set[int], touching: set[int]) -> None:
        """Drop the events of pairs starting at `starting` or involving `touching` snapshots."""
        ids = sorted(starting | touching)
        if not ids:
            return
        marks = ",".join("?" * len(ids))
        picked = sorted(touching)
        touch_marks = ",".join("?" * len(picked)) or "NULL"
        self.db.execute(
            f"DELETE FROM changes WHERE source_id = ? AND (old_snapshot_id IN ({marks}) "
            f"OR new_snapshot_id IN ({touch_marks}))",
            [source_id, *ids, *picked],
        )

    def clear_changes(self, source_id: str) -> None:
        self.db.execute("DELETE FROM changes WHERE source_id = ?", [source_id])

    def count_changes(self, source_id: str) -> int:
        row = self.conn.execute("SELECT count(*) FROM changes WHERE source_id = ?", [source_id])
        return int(row.fetchone()[0])

    def change_rows(self, source_id: str) -> list[dict[str, Any]]:
        """Every logged event, newest pair first, in the order each pair logged them."""
        return list(
            self._rows(
                "SELECT c.* FROM changes c JOIN snapshots s ON s.id = c.new_snapshot_id "
                "WHERE c.source_id = ? ORDER BY s.captured_at DESC, s.id DESC, c.id",
                [source_id],
            )
        )

    def log_rules(self, source_id: str) -> str | None:
        """The version of the rules that logged the source's events; None if not recorded."""
        row = self.conn.execute(
            "SELECT rules FROM change_log_rules WHERE source_id = ?", [source_id]
        ).fetchone()
        return None if row is None else str(row[0])

    def set_log_rules(self, source_id: str, rules: str) -> None:
        """Record that the rules of version `rules` logged all the source's events."""
        self.conn.execute(
            "INSERT OR REPLACE INTO change_log_rules (source_id, rules) VALUES (?, ?)",
            [source_id, rules],
        )

    def stale_logs(self, rules: str) -> list[str]:
        """The sources with a log to keep (two ok snapshots or more) that rules other than
        `rules` wrote, or that record none (written before rules were recorded)."""
        rows = self.conn.execute(
            "SELECT id FROM sources s WHERE NOT EXISTS (SELECT 1 FROM change_log_rules r "
            "WHERE r.source_id = s.id AND r.rules = ?) AND (SELECT count(*) FROM (SELECT 1 "
            "FROM snapshots WHERE source_id = s.id AND status = 'ok' LIMIT 2)) = 2 ORDER BY id",
            [rules],
        ).fetchall()
        return [source_id for (source_id,) in rows]

    def rename_edges(self, source_id: str) -> list[tuple[str, str]]:
        """(old key, new key) of every logged rename."""
        rows = self.conn.execute(
            "SELECT old_key, key FROM changes WHERE source_id = ? AND kind = 'renamed'",
            [source_id],
        ).fetchall()
        return [(old, new) for old, new in rows]
