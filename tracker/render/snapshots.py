"""Rows that need no annotation (`snapshots`, the one line naming a snapshot, `watchers
list`, a backfill's dry run): records in, table rows out. Pure.

Apart from `tracker.render.rows` so that these commands import none of the annotation,
diff and composition machinery, most of what they would otherwise cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tracker.core.models import Snapshot, tier_rank
from tracker.core.stamps import utc_text
from tracker.render.table import render_rows

SNAPSHOT_COLUMNS = [
    "id",
    "captured_at",
    "origin",
    "status",
    "parser",
    "members",
    "listings",
    "counts",
    "sha256",
]
WATCHER_COLUMNS = [
    "name", "kind", "target", "events", "last_delivery", "pending", "failing", "last_error"
]  # fmt: skip


def describe(snapshot: Snapshot) -> str:
    """One line naming a snapshot: id, time, counts per tier."""
    tiers = " · ".join(
        f"{tier} {count}"
        for tier, count in sorted(snapshot.counts.items(), key=lambda kv: tier_rank(kv[0]))
    )
    return (
        f"snapshot {snapshot.id}  {utc_text(snapshot.captured_at)}  {tiers or 'no members'}  "
        f"({snapshot.listing_count} listings, {snapshot.member_count} members)"
    )


def _counts_text(counts: dict[str, int]) -> str:
    return " ".join(f"{tier}:{n}" for tier, n in counts.items())


def snapshots_text(snapshots: Sequence[Snapshot], fmt: str, width: int | None = None) -> str:
    """`tracker snapshots`: one row per snapshot; full digests and reasons outside tables."""
    rows = [
        {
            "id": s.id,
            "captured_at": utc_text(s.captured_at),
            "origin": s.origin,
            "status": s.status,
            "parser": s.parser_version,
            "members": s.member_count,
            "listings": s.listing_count,
            "counts": s.counts if fmt == "json" else _counts_text(s.counts),
            "sha256": s.page_sha256 if fmt != "table" else s.page_sha256[:12],
            "reason": s.reason,
        }
        for s in snapshots
    ]
    columns = SNAPSHOT_COLUMNS + (["reason"] if fmt != "table" else [])
    return render_rows(rows, columns, fmt, width=width)


def watchers_text(rows: Sequence[dict[str, Any]], fmt: str, width: int | None = None) -> str:
    """`tracker watchers list`: one row per watcher, as `tracker.app.deliver` describes it."""
    return render_rows(rows, WATCHER_COLUMNS, fmt, width=width)


def captures_text(rows: Sequence[dict[str, Any]], width: int | None = None) -> str:
    """`tracker backfill wayback --dry-run`: each capture listed, and what a run would do."""
    return render_rows(rows, ["captured_at", "state", "digest", "url"], "table", width=width)
