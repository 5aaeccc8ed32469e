"""Composition over time: `tracker stats` at chosen points from the baseline to the latest.

Each point is one ok snapshot cross-tabulated exactly as `tracker stats` does it
(`tracker.core.stats.cross_tab`: members by highest tier, listings by own tier), so a column
here always equals `tracker stats --at ID` for its snapshot. Points: every ok snapshot, or
the last one of each year or quarter, always with the baseline (the first ok snapshot)
first, so that "then and now" is the first column against the last.

Each point also counts how many of the values it shows were inferred from the member's name
rather than given by a person or by CSET (`tracker.core.infer`): a share built on guesses
must say how much of it is guessed. Pure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec

from tracker.core.fields import BY_FIELDS, EVERY_CHOICES, INFERRED_ORIGIN
from tracker.core.models import Snapshot, tier_rank
from tracker.core.stats import (
    NOT_GIVEN,
    TOTAL,
    UNANNOTATED,
    Placed,
    Stats,
    StatsRow,
    category,
    cross_tab,
)

if TYPE_CHECKING:
    # Only named: annotations are handed in, never built here.
    from tracker.core.annotations import Annotation

BASELINE_LABEL = "baseline"
# Which snapshots the points are, as captions and source lines say it.
EVERY_TEXT = {
    "year": "the baseline, then the last ok snapshot of each year",
    "quarter": "the baseline, then the last ok snapshot of each quarter",
    "snapshot": "every ok snapshot",
}
_NO_INFORMATION = (NOT_GIVEN, UNANNOTATED)


class Placing(NamedTuple):
    """A listing as counting sees it: read in bulk for many snapshots, it costs a tenth of a
    `Listing`."""

    tier: str
    key: str


class Point(msgspec.Struct, frozen=True):
    """One column: a snapshot's composition, and how many of its values are inferred."""

    # The column's name: its year ("2021"), quarter ("2021-Q2"), day ("2021-06-01"), or
    # `baseline` for a baseline that is not the last snapshot of its period.
    label: str
    snapshot_id: int
    captured_at: datetime
    origin: str
    stats: Stats
    # Value -> members counted under it whose value was inferred from their name.
    inferred: dict[str, int]

    @property
    def inferred_members(self) -> int:
        return sum(self.inferred.values())


class Composition(msgspec.Struct, frozen=True):
    by: str
    every: str
    # Every tier and every value any point shows: tiers highest first; values in the
    # latest point's order, those it no longer shows after them, no information last.
    tiers: list[str]
    values: list[str]
    points: list[Point]


def period(moment: datetime, every: str) -> str:
    """The label of the period `moment` falls in (UTC, as snapshots are dated)."""
    if every == "year":
        return f"{moment:%Y}"
    if every == "quarter":
        return f"{moment:%Y}-Q{(moment.month - 1) // 3 + 1}"
    return f"{moment:%Y-%m-%d}"


def pick_points(snapshots: Sequence[Snapshot], every: str) -> list[tuple[str, Snapshot]]:
    """The baseline, then the last ok snapshot of each period (every one for `snapshot`),
    labelled; `snapshots` are the ok ones in time order."""
    if every not in EVERY_CHOICES:
        raise ValueError(f"unknown --every {every!r}")
    last: dict[str, Snapshot] = {}
    for snapshot in snapshots:
        label = period(snapshot.captured_at, every)
        if every == "snapshot" and label in last:
            # Two readings on one day: each is a column, told apart by its id.
            label = f"{label} #{snapshot.id}"
        last[label] = snapshot
    picked = list(last.items())
    baseline = snapshots[0] if snapshots else None
    if baseline is not None and picked[0][1].id != baseline.id:
        picked.insert(0, (BASELINE_LABEL, baseline))
    return picked


def inferred_keys(notes: Mapping[str, Annotation], by: str) -> set[str]:
    """The keys whose value for `by` is shown and was inferred (none for `tier`)."""
    if by == "tier":
        return set()
    field = BY_FIELDS[by]
    return {
        key
        for key, note in notes.items()
        if note.sources.get(field, note.origin) == INFERRED_ORIGIN
        and category(note, by) not in _NO_INFORMATION
    }


def shown_origins(notes: Mapping[str, Annotation], keys: Iterable[str], by: str) -> set[str]:
    """Who gave the values shown for `keys` (for the credit CSET's licence asks for)."""
    if by == "tier":
        return set()
    field = BY_FIELDS[by]
    return {
        note.sources.get(field, note.origin)
        for note in (notes.get(key) for key in keys)
        if note is not None and category(note, by) not in _NO_INFORMATION
    }


def point(
    label: str,
    snapshot: Snapshot,
    listings: Sequence[Placed],
    notes: Mapping[str, Annotation],
    by: str,
    guessed: set[str],
) -> Point:
    """One snapshot's column; `guessed`: the keys whose value is inferred (`inferred_keys`)."""
    return Point(
        label=label,
        snapshot_id=snapshot.id,
        captured_at=snapshot.captured_at,
        origin=snapshot.origin,
        stats=cross_tab(listings, notes, by),
        inferred=guessed_counts(listings, notes, by, guessed),
    )


def guessed_counts(
    listings: Sequence[Placed], notes: Mapping[str, Annotation], by: str, guessed: set[str]
) -> dict[str, int]:
    """Value -> how many of the listed members are counted under it by a guessed value, in
    the order the list first counts each (not a set's, which varies from run to run)."""
    keys = dict.fromkeys(listing.key for listing in listings if listing.key in guessed)
    return dict(Counter(category(notes[key], by) for key in keys))


def composition(points: Sequence[Point], by: str, every: str) -> Composition:
    """The points as one table: the union of their tiers and values, ordered."""
    tiers = sorted({t for p in points for t in p.stats.tiers}, key=lambda t: (tier_rank(t), t))
    seen: dict[str, None] = {}
    for each in reversed(points):
        seen.update((row.value, None) for row in each.stats.rows)
    values = list(seen)
    if by == "tier":
        values.sort(key=lambda value: (tier_rank(value), value))
    else:
        # Stable: the named values keep their order, then n/a, then unannotated.
        values.sort(
            key=lambda value: _NO_INFORMATION.index(value) + 1 if value in _NO_INFORMATION else 0
        )
    return Composition(by=by, every=every, tiers=tiers, values=values, points=list(points))


def rows_of(each: Point) -> dict[str, StatsRow]:
    """The point's rows by value; a value it has no member with has none."""
    return {row.value: row for row in each.stats.rows}


def percent(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, to 0.1; None of nothing."""
    return round(100 * part / whole, 1) if whole else None


def records(each: Point, values: Sequence[str], tiers: Sequence[str]) -> list[dict[str, Any]]:
    """One record per value (those the point lacks as zeros) and the point's total: members,
    percent of the point's members, listings, how many values are inferred, and per tier
    members and percent of the tier's members (None where the point has no such tier)."""
    rows, total = rows_of(each), each.stats.total
    found = []
    for value in [*values, TOTAL]:
        row = total if value == TOTAL else rows.get(value)
        members = row.members if row else 0
        inferred = each.inferred_members if value == TOTAL else each.inferred.get(value, 0)
        found.append(
            {
                "value": value,
                "members": members,
                "percent": percent(members, total.members),
                "listings": row.listings if row else 0,
                "inferred": inferred,
                "inferred_percent": percent(inferred, members),
                "tiers": {tier: _tier_cell(row, total, tier) for tier in tiers},
            }
        )
    return found


def _tier_cell(row: StatsRow | None, total: StatsRow, tier: str) -> dict[str, Any]:
    cell = row.tiers.get(tier) if row else None
    members = cell.members if cell else 0
    whole = total.tiers.get(tier)
    return {"members": members, "percent": percent(members, whole.members) if whole else None}
