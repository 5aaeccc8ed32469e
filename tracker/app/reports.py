"""What the reading commands show: one snapshot's members and composition, and the
composition over time (`tracker.app.timeline`: every ok snapshot over time). Each function
is one command's one call: the reference resolved, the store read, records out."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter

import msgspec

from tracker.app.annotations import annotations_of, listings_with_guesses
from tracker.app.refs import resolve
from tracker.app.timeline import ok_snapshots
from tracker.core.annotations import Annotation, name_matches
from tracker.core.composition import (
    Composition,
    Placing,
    composition,
    guessed_counts,
    inferred_keys,
    pick_points,
    point,
    shown_origins,
)
from tracker.core.errors import StoreError
from tracker.core.models import Listing, Snapshot
from tracker.core.stats import Placed, Stats, cross_tab
from tracker.store import Store


class Members(msgspec.Struct, frozen=True):
    """One snapshot's listings in page order, with the annotations of their keys (their own,
    or carried from a former name)."""

    snapshot: Snapshot
    listings: list[Listing]
    notes: dict[str, Annotation]
    # What the reference resolved to, when a name or date picked another day or passed over one.
    ref_note: str | None = None

    def stats(self, by: str) -> Stats:
        return cross_tab(self.listings, self.notes, by)

    def inferred(self, by: str) -> dict[str, int]:
        """Value -> how many members are counted under it by a value guessed from their name."""
        return guessed_counts(self.listings, self.notes, by, inferred_keys(self.notes, by))

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


def members_at(store: Store, source_id: str, ref: str, *, annotated: bool = True) -> Members:
    """The listings of the snapshot `ref` names, with their annotations unless not
    `annotated` (counts by tier read none: annotating 6,000 members is most of their cost)."""
    resolved = resolve(store, ref, source_id)
    if not annotated:
        return Members(resolved.snapshot, store.listings(resolved.snapshot.id), {}, resolved.note)
    listings, guessed = listings_with_guesses(store, resolved.snapshot.id)
    names = {listing.key: listing.name for listing in listings}
    notes = annotations_of(store, source_id, names, names=names, guessed=guessed)
    return Members(resolved.snapshot, listings, notes, resolved.note)


class OverTime(msgspec.Struct, frozen=True):
    """The composition at each chosen point, and who gave the values it shows (CSET's
    credit follows when one of them is CSET)."""

    composition: Composition
    origins: set[str]


def over_time(store: Store, source_id: str, by: str, every: str) -> OverTime:
    """`tracker stats --over-time`: the baseline and each period's last ok snapshot (or
    every one), counted as `tracker stats` counts one; annotations read once for all."""
    ok = ok_snapshots(store, source_id)
    picked = pick_points(ok, every)
    lists = _placings(store, source_id, [snapshot for _, snapshot in picked], every)
    keys = {x.key for placings in lists.values() for x in placings}
    notes = annotations_of(store, source_id, keys)
    guessed = inferred_keys(notes, by)
    points = [point(label, s, lists[s.id], notes, by, guessed) for label, s in picked]
    return OverTime(composition(points, by, every), shown_origins(notes, keys, by))


def _placings(
    store: Store, source_id: str, picked: Sequence[Snapshot], every: str
) -> dict[int, Sequence[Placed]]:
    """The picked snapshots' listings, read the cheaper way: one query per snapshot when
    they hold under a quarter of all ok listings (each periods' last), else one streamed
    pass over every ok listing, kept as light records (ten years of every snapshot: 495,000
    listings, which as `Listing`s would cost four times their reading)."""
    ok = store.snapshots(source_id, status="ok")
    if 4 * sum(s.listing_count for s in picked) < sum(s.listing_count for s in ok):
        return {snapshot.id: store.listings(snapshot.id) for snapshot in picked}
    wanted = {snapshot.id for snapshot in picked}
    found: dict[int, Sequence[Placed]] = {snapshot_id: [] for snapshot_id in wanted}
    # One string per distinct key and tier, shared by every snapshot listing it.
    shared: dict[str, str] = {}
    for snapshot_id, rows in groupby(store.ok_listing_rows(source_id), key=itemgetter(0)):
        if snapshot_id in wanted:
            found[snapshot_id] = [
                Placing(shared.setdefault(row[1], row[1]), shared.setdefault(row[5], row[5]))
                for row in rows
            ]
    return found
