"""Keeping the change log (the `changes` table) in step with the chain of ok snapshots.

The log holds the events between each pair of consecutive ok snapshots of a source. When
snapshots join the chain (a capture, an accepted quarantine, a baseline, a Wayback
capture of the past) or leave it (a replaced baseline), only the pairs around them change:
`refresh_changes` recomputes those, wherever in time they fall. `rebuild_changes`
recomputes the whole log: for databases written by other means, and where the log was
written under other rules than the current ones: when a command that writes opens the
database (`current_logs`) and after every write (`keep_changes`).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from tracker.core.kinds import LOG_RULES
from tracker.core.models import Snapshot
from tracker.store import Store


def refresh_changes(store: Store, source_id: str, changed: Iterable[Snapshot]) -> None:
    """Re-log the pairs around snapshots that just joined or left the chain of ok snapshots."""
    ok = store.snapshots(source_id, status="ok")
    order = [(s.captured_at, s.id) for s in ok]
    in_chain = {s.id for s in ok}
    starts: set[int] = set()
    touched: set[int] = set()
    for snapshot in changed:
        place = bisect_left(order, (snapshot.captured_at, snapshot.id))
        if place > 0:
            # The snapshot before it has a new successor.
            starts.add(ok[place - 1].id)
        if snapshot.id in in_chain:
            starts.add(snapshot.id)
        touched.add(snapshot.id)
    store.forget_pairs(source_id, starting=starts, touching=touched)
    index = {s.id: i for i, s in enumerate(ok)}
    for start in sorted(starts, key=index.__getitem__):
        at = index[start]
        if at + 1 < len(ok):
            _log_pair(store, ok[at], ok[at + 1])


def rebuild_changes(store: Store, source_id: str) -> int:
    """Recompute the whole log of a source from its ok snapshots, under the current rules
    (`LOG_RULES`); returns the event count."""
    with store.atomic():
        store.clear_changes(source_id)
        ok = store.snapshots(source_id, status="ok")
        for old, new in zip(ok, ok[1:], strict=False):
            _log_pair(store, old, new)
        store.set_log_rules(source_id, LOG_RULES)
    return store.count_changes(source_id)


def keep_changes(store: Store, source_id: str, changed: Sequence[Snapshot]) -> None:
    """Bring the log in step after `changed` snapshots joined or left the chain: the pairs
    around them (`refresh_changes`), or the whole log when other rules wrote it (an older
    tracker's, or none recorded): one member is never told two ways by the log and a diff."""
    if store.log_rules(source_id) != LOG_RULES:
        rebuild_changes(store, source_id)
    elif changed:
        refresh_changes(store, source_id, changed)


def current_logs(store: Store, *, may_write: bool) -> str | None:
    """Rebuild every change log written under other rules than these (`LOG_RULES`), as an
    older schema is upgraded, when a command that may write opens the database: else
    `history` (the log) would tell a member's story otherwise than `diff` (live) until the
    source's next capture, and never for a source no longer captured. A command that only
    reads never writes (nor waits for a writer's lock): it gets a note saying so instead.
    One indexed question when every log is current.
    """
    stale = store.stale_logs(LOG_RULES)
    if stale and not may_write:
        return (
            f"the change log of {', '.join(stale)} was written under other rules than this "
            f"tracker's (version {LOG_RULES}): `history` may tell a change otherwise than "
            "`diff` until a command that writes to the database rebuilds it "
            "(`tracker reparse`, or the next capture)"
        )
    for source_id in stale:
        with store.atomic():
            # Asked again inside the write lock: another command may have rebuilt it while
            # this one waited for the lock.
            if store.log_rules(source_id) != LOG_RULES:
                rebuild_changes(store, source_id)
    return None


def _log_pair(store: Store, old: Snapshot, new: Snapshot) -> None:
    # Here: a command opening the store checks its logs' rules without loading the diff.
    from tracker.core.diff import diff

    store.log_pair(diff(store.listings(old.id), store.listings(new.id)), old, new)
