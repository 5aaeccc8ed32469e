"""A person's verdict on a quarantined snapshot: `tracker accept`.

Accepting makes the snapshot an ok reading; `settle` then logs the changes around it and,
when it is the latest reading of the present (not a backfilled past), tells watchers what
it changed, all in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from tracker.app.settle import settle
from tracker.core.config import Config
from tracker.core.errors import StoreError
from tracker.render.snapshots import describe
from tracker.store import Store


def accept(store: Store, config: Config, snapshot_id: int, *, at: datetime) -> str:
    """Mark a quarantined snapshot ok and say so; refuse what would make a false report."""
    snap = store.snapshot(snapshot_id)
    if snap.status == "ok":
        return f"snapshot {snapshot_id} is already ok"
    if snap.status != "quarantined":
        # A replaced baseline stays evidence only; reviving it would give two baselines.
        raise StoreError(
            f"snapshot {snapshot_id} is {snap.status}, not quarantined: nothing to accept"
        )
    if snap.listing_count == 0:
        # Every member would read as departed: this is a broken page, never a membership.
        raise StoreError(f"snapshot {snapshot_id} has no members: it cannot be accepted")
    with store.atomic():
        snap = store.set_status(snapshot_id, "ok", reason=None, at=at)
        settle(store, config, snap.source_id, at=at, changed=[snap])
    return f"accepted {describe(snap)}"
