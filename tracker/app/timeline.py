"""Every ok snapshot over time (`tracker timeline`, and where the site and `stats
--over-time` start): the store read, records out.

Apart from `tracker.app.reports`, so that a timeline imports nothing that annotates members.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from tracker.core.errors import StoreError
from tracker.core.models import Snapshot
from tracker.store import Store


def ok_snapshots(store: Store, source_id: str) -> list[Snapshot]:
    """Every ok snapshot in time order; none yet is an error saying how to get one."""
    found = store.snapshots(source_id, status="ok")
    if not found:
        raise StoreError(
            f"no ok snapshots of {source_id!r} yet (run `tracker snapshot`, "
            "`tracker baseline import` or `tracker backfill wayback`)"
        )
    return found


class Timeline(msgspec.Struct, frozen=True):
    """Every ok snapshot in time order, and when the quarantined readings were captured:
    they are never counted, but a chart that hid them would hide a doubted reading."""

    snapshots: list[Snapshot]
    quarantined: list[datetime]


def timeline_of(store: Store, source_id: str) -> Timeline:
    doubted = store.snapshots(source_id, status="quarantined")
    return Timeline(ok_snapshots(store, source_id), [s.captured_at for s in doubted])
