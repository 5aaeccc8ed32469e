"""What re-reading a snapshot's pages changes: old and new counts per tier, and who
appears or disappears. Pure; `tracker.app.reparse` reads and stores, this compares.

A correction is not a membership change: the page is the same bytes, only its reading
differs. So it is told apart from a diff between two captures, and never becomes a
join or a departure in the change log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tracker.core.diff import Member, members
from tracker.core.models import Listing, Snapshot, tier_counts, tier_name, tier_rank


@dataclass(frozen=True)
class Correction:
    """How a new reading of the same pages differs from the stored one."""

    old_counts: dict[str, int]
    new_counts: dict[str, int]
    # "name (tier)", highest tier first, then by name.
    appeared: list[str]
    disappeared: list[str]
    # "name: old tier → new tier", for members read under another tier.
    moved: list[str]

    def tiers(self) -> list[str]:
        """Every tier either reading has, highest first."""
        return sorted({*self.old_counts, *self.new_counts}, key=tier_rank)


@dataclass(frozen=True)
class Reread:
    """A snapshot whose pages read differently now, and what the guard makes of it."""

    old: Snapshot
    correction: Correction
    reasons: list[str]
    # The new version, once stored (None in a dry run).
    new: Snapshot | None = None
    # When a person accepted the old reading: the new one keeps that judgement of its
    # losses and growth, and is quarantined only for problems of its own.
    accepted_at: datetime | None = None

    @property
    def status(self) -> str:
        return "quarantined" if self.reasons else "ok"


@dataclass
class Reparse:
    """What one `tracker reparse` found and did."""

    dry_run: bool
    examined: int = 0
    baselines: int = 0
    rereads: list[Reread] = field(default_factory=list)
    # Snapshots whose pages the current parser cannot read at all, and why; left as they are.
    unreadable: list[tuple[Snapshot, str]] = field(default_factory=list)
    # With --since: the last believed snapshot before it, where it too reads differently now.
    # Left as it was, a diff across `since` compares two parsers' readings.
    boundary: list[Snapshot] = field(default_factory=list)
    events: dict[str, int] = field(default_factory=dict)
    queued: int = 0


Line = tuple[str, str, int, str, str]


def _line(listing: Listing) -> Line:
    return (listing.tier, listing.tier_label, listing.position, listing.name, listing.key)


def same_reading(old: Sequence[Listing], new: Sequence[Listing]) -> bool:
    """Whether two readings list the same names, under the same labels, in the same order."""
    return [_line(x) for x in old] == [_line(x) for x in new]


def correction(old: Sequence[Listing], new: Sequence[Listing]) -> Correction | None:
    """What changes from reading `old` to reading `new`; None when nothing does."""
    if same_reading(old, new):
        return None
    before, after = members(old), members(new)
    moved = _ordered(
        after[k] for k in before.keys() & after.keys() if before[k].tier != after[k].tier
    )
    return Correction(
        old_counts=tier_counts(old),
        new_counts=tier_counts(new),
        appeared=[_named(m) for m in _ordered(after[k] for k in after.keys() - before.keys())],
        disappeared=[_named(m) for m in _ordered(before[k] for k in before.keys() - after.keys())],
        moved=[f"{m.name}: {tier_name(before[m.key].tier)} → {tier_name(m.tier)}" for m in moved],
    )


def _ordered(found: Iterable[Member]) -> list[Member]:
    return sorted(found, key=lambda m: (tier_rank(m.tier), m.name))


def _named(member: Member) -> str:
    return f"{member.name} ({tier_name(member.tier)})"
