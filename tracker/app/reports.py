"""What the reading commands show: one snapshot's members and composition, and every ok
snapshot over time. Each function is one command's one call: the reference resolved, the
store read, records out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tracker.app.annotations import annotations_of
from tracker.app.refs import resolve
from tracker.core.annotations import Annotation, name_matches
from tracker.core.errors import StoreError
from tracker.core.models import Listing, Snapshot
from tracker.core.stats import Stats, cross_tab
from tracker.store import Store


@dataclass(frozen=True)
class Members:
    """One snapshot's listings in page order, with the annotations of their keys (their own,
    or carried from a former name)."""

    snapshot: Snapshot
    listings: list[Listing]
    notes: dict[str, Annotation]
    # What the reference resolved to, when a name or date picked another day or passed over one.
    ref_note: str | None = None

    def stats(self, by: str) -> Stats:
        return cross_tab(self.listings, self.notes, by)

    def search(self, query: str) -> Members:
        """Only the listings whose key or annotated names contain `query`; none is an error."""
        found = [
            listing
            for listing in self.listings
            if name_matches(query, listing.key, self.notes.get(listing.key))
        ]
        if not found:
            raise StoreError(
                f"no member of snapshot {self.snapshot.id} matches {query!r} "
                "(searched: names, keys, and annotated English and Chinese names)"
            )
        return Members(self.snapshot, found, self.notes, self.ref_note)


def members_at(store: Store, source_id: str, ref: str) -> Members:
    resolved = resolve(store, ref, source_id)
    listings = store.listings(resolved.snapshot.id)
    names = {listing.key: listing.name for listing in listings}
    notes = annotations_of(store, source_id, names, names=names)
    return Members(resolved.snapshot, listings, notes, resolved.note)


def ok_snapshots(store: Store, source_id: str) -> list[Snapshot]:
    """Every ok snapshot in time order; none yet is an error saying how to get one."""
    found = store.snapshots(source_id, status="ok")
    if not found:
        raise StoreError(
            f"no ok snapshots of {source_id!r} yet (run `tracker snapshot`, "
            "`tracker baseline import` or `tracker backfill wayback`)"
        )
    return found


@dataclass(frozen=True)
class Timeline:
    """Every ok snapshot in time order, and when the quarantined readings were captured:
    they are never counted, but a chart that hid them would hide a doubted reading."""

    snapshots: list[Snapshot]
    quarantined: list[datetime]


def timeline_of(store: Store, source_id: str) -> Timeline:
    doubted = store.snapshots(source_id, status="quarantined")
    return Timeline(ok_snapshots(store, source_id), [s.captured_at for s in doubted])
