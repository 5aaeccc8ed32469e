"""The change log: events between consecutive ok snapshots, kept in the `changes` table.

History, feeds and watchers read events from here instead of recomputing diffs. The log is
derived data: it is written by the capture hook when a new ok snapshot arrives last, and
rebuilt whole whenever the chain of ok snapshots changes elsewhere (accept, baseline
replaced, Wayback backfill, a snapshot quarantined).

Columns: ``tier``/``name``/``key`` describe the member in the newer snapshot and
``old_tier``/``old_name``/``old_key`` in the older one, so a departure has only ``old_tier``
and a join only ``tier``. ``listed``/``old_listed`` are "+"-joined tier ids of every
listing ("board+ordinary"), set for listing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tracker.core.diff import Diff, Reading, Transient, diff, transients
from tracker.core.models import Snapshot
from tracker.core.stamps import utc_text
from tracker.render.report import DiffReport, Endpoint
from tracker.store.annotations import annotations_for
from tracker.store.database import Store

if TYPE_CHECKING:
    # Only the hook's signature needs it; importing capture loads the parser for `diff`.
    from tracker.app.capture import CaptureOutcome

KINDS = ("joined", "departed", "tier_changed", "renamed", "listing_changed")
OPTIONAL = ("tier", "old_key", "old_name", "old_tier", "direction", "score", "listed", "old_listed")


def diff_snapshots(store: Store, old: Snapshot, new: Snapshot) -> Diff:
    return diff(store.listings(old.id), store.listings(new.id))


def build_report(
    store: Store, old: Snapshot, new: Snapshot, *, with_transient: bool = False
) -> DiffReport:
    """Everything `tracker diff` shows: endpoints, the diff, annotations, transients."""
    changed = diff_snapshots(store, old, new)
    found = between(store, old, new) if with_transient else None
    keys = _keys(changed) | {t.key for t in found or []}
    return DiffReport(
        old=Endpoint.of(old),
        new=Endpoint.of(new),
        diff=changed,
        annotations=annotations_for(store, keys),
        transient=found,
    )


def _keys(changed: Diff) -> set[str]:
    keys = {c.key for c in changed.joined} | {c.key for c in changed.departed}
    keys |= {c.key for c in changed.tier_changed} | {c.key for c in changed.listing_changes}
    return keys | {k for r in changed.renamed for k in (r.old_key, r.new_key)}


def between(store: Store, old: Snapshot, new: Snapshot) -> list[Transient]:
    """Members that came and went, or went and came back, between two snapshots."""
    lo, hi = sorted([old, new], key=_order)
    inside = [
        s
        for s in store.snapshots(old.source_id, status="ok")
        if _order(lo) < _order(s) < _order(hi)
    ]
    readings = [Reading(s.id, s.captured_at, store.listings(s.id)) for s in inside]
    return transients(store.listings(old.id), readings, store.listings(new.id))


def _order(snapshot: Snapshot) -> tuple[Any, int]:
    return (snapshot.captured_at, snapshot.id)


# The table --------------------------------------------------------------------------------


def event_rows(diff_: Diff, old: Snapshot, new: Snapshot) -> Iterator[dict[str, Any]]:
    """The diff as `changes` rows, one per event."""
    # Every row carries every column: insert_all takes its columns from the rows.
    base: dict[str, Any] = dict.fromkeys(OPTIONAL) | {
        "source_id": new.source_id,
        "old_snapshot_id": old.id,
        "new_snapshot_id": new.id,
        "at": utc_text(new.captured_at),
    }
    for c in diff_.joined:
        yield {**base, "kind": "joined", "key": c.key, "name": c.name, "tier": c.tier}
    for c in diff_.departed:
        yield {**base, "kind": "departed", "key": c.key, "name": c.name, "old_tier": c.tier}
    for t in diff_.tier_changed:
        yield {
            **base,
            "kind": "tier_changed",
            "key": t.key,
            "name": t.name,
            "tier": t.new_tier,
            "old_tier": t.old_tier,
            "direction": t.direction,
        }
    for r in diff_.renamed:
        yield {
            **base,
            "kind": "renamed",
            "key": r.new_key,
            "name": r.new_name,
            "tier": r.new_tier,
            "old_key": r.old_key,
            "old_name": r.old_name,
            "old_tier": r.old_tier,
            "direction": r.direction,
            "score": r.score,
        }
    for x in diff_.listing_changes:
        yield {
            **base,
            "kind": "listing_changed",
            "key": x.key,
            "name": x.name,
            "tier": x.tier,
            "old_tier": x.tier,
            "listed": "+".join(x.new_listed),
            "old_listed": "+".join(x.old_listed),
        }


def _insert_pair(store: Store, old: Snapshot, new: Snapshot) -> None:
    rows = list(event_rows(diff_snapshots(store, old, new), old, new))
    if rows:
        store.db.table("changes").insert_all(rows)


def record_changes(store: Store, outcome: CaptureOutcome) -> None:
    """Capture hook: log the events a new ok snapshot brings, inside the capture's transaction."""
    new = outcome.snapshot
    if outcome.outcome != "new" or new is None or new.status != "ok":
        return
    ok = store.snapshots(new.source_id, status="ok")
    if ok[-1].id != new.id:
        # Arrived in the middle of the chain (an older capture): its neighbours change.
        rebuild_changes(store, new.source_id)
    elif len(ok) > 1:
        _insert_pair(store, ok[-2], new)


def rebuild_changes(store: Store, source_id: str) -> int:
    """Recompute the whole log of a source from its ok snapshots; returns the event count."""
    with store.atomic():
        store.db.execute("DELETE FROM changes WHERE source_id = ?", [source_id])
        ok = store.snapshots(source_id, status="ok")
        for old, new in zip(ok, ok[1:], strict=False):
            _insert_pair(store, old, new)
    row = store.db.execute("SELECT count(*) FROM changes WHERE source_id = ?", [source_id])
    return int(row.fetchone()[0])
