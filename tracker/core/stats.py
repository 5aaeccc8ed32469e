"""Who the members are at one point in time: counts cross-tabulated by tier. Pure.

Two counts, because the page lists some organisations twice: *listings* count every line of
the page under the tier it appears in (CSET's 28 / 189 / 350), *members* count each distinct
key once, under its effective tier (the highest tier it is listed in). Categories come from
annotations; a member without one is counted as `unannotated`, never dropped, and an
annotated member whose field is empty as `n/a`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from tracker.core.fields import BY_CHOICES, BY_FIELDS
from tracker.core.models import tier_name, tier_rank

if TYPE_CHECKING:
    # Only named: annotations are handed in, never built here.
    from tracker.core.annotations import Annotation

UNANNOTATED = "unannotated"
NOT_GIVEN = "n/a"
TOTAL = "total"
_LAST = (NOT_GIVEN, UNANNOTATED)


class TierCount(msgspec.Struct):
    members: int = 0
    listings: int = 0


class StatsRow(msgspec.Struct):
    """One category: distinct members and listings, in total and per tier."""

    value: str
    members: int = 0
    listings: int = 0
    tiers: dict[str, TierCount] = msgspec.field(default_factory=dict)


class Stats(msgspec.Struct):
    by: str
    tiers: list[str]
    rows: list[StatsRow]
    total: StatsRow


def category(annotation: Annotation | None, by: str) -> str:
    """The member's value for `by` (not `tier`), as a row label."""
    if annotation is None:
        return UNANNOTATED
    field = BY_FIELDS[by]
    value = annotation.flag_text(field) if field == "state_owned" else getattr(annotation, field)
    return value or NOT_GIVEN


class Placed(Protocol):
    """What counting needs of a listing: its key and its tier (a `Listing`, or a lighter
    record read in bulk for many snapshots at once)."""

    @property
    def key(self) -> str: ...

    @property
    def tier(self) -> str: ...


def effective_tiers(listings: Iterable[Placed]) -> dict[str, str]:
    """Each key's effective tier, the highest it is listed in: the tier of its member in
    `tracker.core.diff.members`, without building the members."""
    found: dict[str, str] = {}
    for listing in listings:
        held = found.get(listing.key)
        if held is None or tier_rank(listing.tier) < tier_rank(held):
            found[listing.key] = listing.tier
    return found


def cross_tab(listings: Sequence[Placed], annotations: Mapping[str, Annotation], by: str) -> Stats:
    """Count members (by effective tier) and listings (by own tier) per value of `by`."""
    if by not in BY_CHOICES:
        raise ValueError(f"unknown --by {by!r}")
    effective = effective_tiers(listings)
    tiers = sorted({listing.tier for listing in listings}, key=tier_rank)
    # Counted as (value, tier) pairs first: one annotation look-up per key, not per count.
    values = {} if by == "tier" else {k: category(annotations.get(k), by) for k in effective}
    members = Counter((values.get(key, tier), tier) for key, tier in effective.items())
    listed = Counter((values.get(x.key, x.tier), x.tier) for x in listings)
    rows: dict[str, StatsRow] = {}
    for what, counts in (("members", members), ("listings", listed)):
        for (value, tier), count in counts.items():
            row = rows.get(value) or rows.setdefault(
                value, StatsRow(value=value, tiers={t: TierCount() for t in tiers})
            )
            setattr(row.tiers[tier], what, count)
            setattr(row, what, getattr(row, what) + count)
    ordered = list(rows.values())
    return Stats(
        by=by, tiers=tiers, rows=_sorted(ordered, by), total=sum_rows(ordered, tiers, TOTAL)
    )


def _sorted(rows: list[StatsRow], by: str) -> list[StatsRow]:
    if by == "tier":
        return sorted(rows, key=lambda row: tier_rank(row.value))
    return sorted(rows, key=_category_order)


def _category_order(row: StatsRow) -> tuple[int, int, str]:
    # Largest first; the "no information" rows close the table whatever their size.
    last = _LAST.index(row.value) + 1 if row.value in _LAST else 0
    return last, -row.members, row.value


def sum_rows(rows: Sequence[StatsRow], tiers: Sequence[str], value: str) -> StatsRow:
    """One row adding up `rows` (the total, or the small categories of a chart)."""
    total = StatsRow(value=value, tiers={tier: TierCount() for tier in tiers})
    for row in rows:
        total.members += row.members
        total.listings += row.listings
        for tier, cell in row.tiers.items():
            total.tiers[tier].members += cell.members
            total.tiers[tier].listings += cell.listings
    return total


def stats_rows(stats: Stats, *, detail: bool) -> tuple[list[dict[str, Any]], list[str]]:
    """Flat rows and columns for a table (`detail` False) or CSV (listings per tier too)."""
    if stats.by == "tier":
        columns = ["tier", "members", "listings"]
        return [dict(zip(columns, _tier_cells(row), strict=True)) for row in _all(stats)], columns
    names = [tier_name(tier) for tier in stats.tiers]
    listing_names = [f"{name} listings" for name in names] if detail else []
    columns = [stats.by, *names, "members", *listing_names, "listings"]
    return [_flat(row, stats, names, listing_names) for row in _all(stats)], columns


def _all(stats: Stats) -> list[StatsRow]:
    return [*stats.rows, stats.total]


def _tier_cells(row: StatsRow) -> tuple[str, int, int]:
    return tier_name(row.value), row.members, row.listings


def _flat(
    row: StatsRow, stats: Stats, names: list[str], listing_names: list[str]
) -> dict[str, Any]:
    flat: dict[str, Any] = {stats.by: row.value, "members": row.members, "listings": row.listings}
    for index, tier in enumerate(stats.tiers):
        cell = row.tiers[tier]
        flat[names[index]] = cell.members
        if listing_names:
            flat[listing_names[index]] = cell.listings
    return flat
