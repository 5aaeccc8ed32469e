"""Every member's life across the ok snapshots at once: names, tier runs, first and last seen.

`tracker.core.history` walks one member's timeline; a site needs all of them from ten years
of daily snapshots, so this reads every listing once, in time order, and keeps for each
member (its keys joined by logged renames) the runs of snapshots in which it held one tier
without a gap. A run names its first and last snapshot and how many it spans, so a page can
cite a decade of daily readings in a few lines. Pure: the store reads the rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from tracker.core.models import Snapshot, tier_rank
from tracker.core.stamps import utc_text

# (snapshot id, tier, tier label, position, name, key): a listing as the store reads it.
Row = tuple[int, str, str, int, str, str]


@dataclass(frozen=True)
class Stop:
    """One snapshot as a run or a name begins or ends: its id and capture time."""

    snapshot_id: int
    at: str


@dataclass
class Span:
    """Consecutive ok snapshots holding one value (a tier, or a name): first, last, how many."""

    value: str
    first: Stop
    last: Stop
    count: int = 1


@dataclass
class Tenure:
    """One member over time, under every key a logged rename joins to its first."""

    slug: str
    key: str
    name: str
    first_seen: Stop
    last_seen: Stop
    current: bool = False
    runs: list[Span] = field(default_factory=list)
    names: list[Span] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


def slug_of(key: str) -> str:
    """A member's file name: stable, ASCII, from the first key it was listed under (a rename
    keeps the page where it was)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def key_groups(edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Key -> one representative of the keys renames join to it (union-find over the edges)."""
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.get(key, key) != key:
            parent[key] = parent.get(parent[key], parent[key])
            key = parent[key]
        return key

    for old, new in edges:
        a, b = root(old), root(new)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {key: root(key) for key in parent}


def tenures(
    ok: Sequence[Snapshot], rows: Iterable[Row], edges: Iterable[tuple[str, str]]
) -> list[Tenure]:
    """Every member of the ok snapshots `ok` (time order), from all their listing `rows`
    (same order), in order of first appearance."""
    groups = key_groups(edges)
    stops = {s.id: Stop(s.id, utc_text(s.captured_at)) for s in ok}
    found: dict[str, Tenure] = {}
    previous: set[str] = set()
    for snapshot_id, listed in groupby(rows, key=lambda row: row[0]):
        stop = stops[snapshot_id]
        present = _best(listed, groups)
        for group, (tier, name, key) in present.items():
            member = found.get(group)
            if member is None:
                found[group] = Tenure(slug_of(key), key, name, stop, stop, keys=[key])
                found[group].runs.append(Span(tier, stop, stop))
                found[group].names.append(Span(name, stop, stop))
                continue
            _extend(member, stop, tier, name, key, group in previous)
        previous = set(present)
    last = ok[-1].id if ok else None
    for member in found.values():
        member.current = member.last_seen.snapshot_id == last
    return list(found.values())


def _best(listed: Iterable[Row], groups: dict[str, str]) -> dict[str, tuple[str, str, str]]:
    """Group -> (tier, name, key) of its best listing in one snapshot: the highest tier, then
    the first on the page (a member listed twice, or under two linked names, is one)."""
    best: dict[str, tuple[int, int, str, str, str]] = {}
    for _, tier, _label, position, name, key in listed:
        group = groups.get(key, key)
        rank = (tier_rank(tier), position, tier, name, key)
        held = best.get(group)
        if held is None or rank[:2] < held[:2]:
            best[group] = rank
    return {group: (t, n, k) for group, (_, _, t, n, k) in best.items()}


def _extend(member: Tenure, stop: Stop, tier: str, name: str, key: str, unbroken: bool) -> None:
    """One more snapshot listing `member`: a run goes on only without a gap and a tier move."""
    member.last_seen = stop
    member.key, member.name = key, name
    if key not in member.keys:
        member.keys.append(key)
    run = member.runs[-1]
    if unbroken and run.value == tier:
        run.last, run.count = stop, run.count + 1
    else:
        member.runs.append(Span(tier, stop, stop))
    spelled = next((span for span in member.names if span.value == name), None)
    if spelled is None:
        member.names.append(Span(name, stop, stop))
    else:
        spelled.last, spelled.count = stop, spelled.count + 1
