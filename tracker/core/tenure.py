"""Every member's life across the ok snapshots at once: names, tier runs, first and last seen.

`tracker.core.history` walks one member's timeline; a site needs all of them from ten years
of daily snapshots, so this walks the snapshots once, in time order, a stretch of snapshots
listing the same lines at a time, and keeps for each member (its keys joined by logged
renames) the runs of snapshots in which it held one tier without a gap. A run names its first and last snapshot and how many it spans, so a page can
cite a decade of daily readings in a few lines. Pure: the store reads the rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tracker.core.models import Listing, Snapshot, tier_rank
from tracker.core.stamps import utc_text


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


# (tier, tier label, position, name, key): a listing without its snapshot.
Line = tuple[str, str, int, str, str]


def records(lines: Iterable[Line]) -> list[Listing]:
    """Lines back as listing records (trusted: they were read from the store)."""
    return [
        Listing.model_construct(tier=t, tier_label=lb, position=p, name=n, key=k)
        for t, lb, p, n, k in lines
    ]


@dataclass(frozen=True)
class Stretch:
    """Consecutive ok snapshots listing exactly the same lines: ten years of daily readings
    are a few hundred stretches, and each member's runs are extended stretch by stretch."""

    first: Stop
    last: Stop
    count: int
    lines: Sequence[Line]


def stretches(ok: Sequence[Snapshot], lists: Mapping[int, Sequence[Line]]) -> list[Stretch]:
    """The ok snapshots (time order) as stretches; `lists`: snapshot id -> its lines, the
    same object for snapshots listing the same lines."""
    found: list[Stretch] = []
    for snapshot in ok:
        stop = Stop(snapshot.id, utc_text(snapshot.captured_at))
        lines = lists.get(snapshot.id, ())
        if found and found[-1].lines is lines:
            found[-1] = Stretch(found[-1].first, stop, found[-1].count + 1, lines)
        else:
            found.append(Stretch(stop, stop, 1, lines))
    return found


def tenures(spans: Sequence[Stretch], edges: Iterable[tuple[str, str]]) -> list[Tenure]:
    """Every member listed in the stretches (time order), in order of first appearance."""
    groups = key_groups(edges)
    found: dict[str, Tenure] = {}
    previous: set[str] = set()
    for span in spans:
        present = _best(span.lines, groups)
        for group, (tier, name, key) in present.items():
            member = found.get(group)
            if member is None:
                member = Tenure(slug_of(key), key, name, span.first, span.last, keys=[key])
                member.runs.append(Span(tier, span.first, span.last, span.count))
                member.names.append(Span(name, span.first, span.last, span.count))
                found[group] = member
                continue
            _extend(member, span, tier, name, key, group in previous)
        previous = set(present)
    last = spans[-1].last.snapshot_id if spans else None
    for member in found.values():
        member.current = member.last_seen.snapshot_id == last
    return list(found.values())


def _best(lines: Iterable[Line], groups: dict[str, str]) -> dict[str, tuple[str, str, str]]:
    """Group -> (tier, name, key) of its best listing in one snapshot: the highest tier, then
    the first on the page (a member listed twice, or under two linked names, is one)."""
    best: dict[str, tuple[int, int, str, str, str]] = {}
    for tier, _label, position, name, key in lines:
        group = groups.get(key, key)
        rank = (tier_rank(tier), position, tier, name, key)
        held = best.get(group)
        if held is None or rank[:2] < held[:2]:
            best[group] = rank
    return {group: (t, n, k) for group, (_, _, t, n, k) in best.items()}


def _extend(member: Tenure, span: Stretch, tier: str, name: str, key: str, unbroken: bool) -> None:
    """One more stretch listing `member`: a run goes on only without a gap and a tier move."""
    member.last_seen = span.last
    member.key, member.name = key, name
    if key not in member.keys:
        member.keys.append(key)
    run = member.runs[-1]
    if unbroken and run.value == tier:
        run.last, run.count = span.last, run.count + span.count
    else:
        member.runs.append(Span(tier, span.first, span.last, span.count))
    spelled = next((named for named in member.names if named.value == name), None)
    if spelled is None:
        member.names.append(Span(name, span.first, span.last, span.count))
    else:
        spelled.last, spelled.count = span.last, spelled.count + span.count
