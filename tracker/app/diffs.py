"""What changed between two stored snapshots: the diff, with annotations and transients."""

from __future__ import annotations

from typing import Any

from tracker.app.annotations import annotations_of
from tracker.app.refs import resolve
from tracker.core.diff import Diff, Reading, Transient, diff, transients
from tracker.core.models import Snapshot
from tracker.render.report import DiffReport, Endpoint
from tracker.store import Store


def diff_refs(
    store: Store, source_id: str, old_ref: str, new_ref: str, *, with_transient: bool = False
) -> DiffReport:
    """`tracker diff OLD NEW`: the report between the snapshots two references name."""
    old = resolve(store, old_ref, source_id)
    new = resolve(store, new_ref, source_id)
    return build_report(store, old, new, with_transient=with_transient)


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
        annotations=annotations_of(store, old.source_id, keys, renamed=changed.renamed),
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
