"""Every member's life across the ok snapshots at once: names, tier runs, first and last seen.

`tracker.core.history` walks one member's timeline; a site needs all of them from ten years
of daily snapshots, so this walks the snapshots once, in time order, a stretch of snapshots
listing the same lines at a time. A logged rename hands a member on to its new key at the
pair it was seen at; the runs are the snapshots in which a member held one tier without a
gap, each naming its first and last snapshot and how many it spans, so a page can cite a
decade of daily readings in a few lines. Pure: the store reads the rows.
"""

from __future__ import annotations

import bisect
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
    """One member over time, under every key a logged rename handed on to it."""

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


class Holders:
    """Which member page a key stands for at a time. A rename hands a key's member on to the
    new key from the pair it was logged at, and a former key listed again beside its
    successor is another organisation from then on: so the answer depends on when."""

    def __init__(self) -> None:
        self._held: dict[str, list[tuple[str, str]]] = {}

    def hand(self, key: str, at: str, slug: str) -> None:
        """`key` stands for the member `slug` from `at` (capture time, UTC text) on."""
        self._held.setdefault(key, []).append((at, slug))

    def slug(self, key: str | None, at: str) -> str:
        """The member `key` stood for at `at` ("" for a key never listed)."""
        held = self._held.get(key or "", [])
        index = bisect.bisect_right(held, (at, "\uffff")) - 1
        return held[max(index, 0)][1] if held else ""


# (tier, tier label, position, name, key): a listing without its snapshot.
Line = tuple[str, str, int, str, str]


def records(lines: Iterable[Line]) -> list[Listing]:
    """Lines back as listing records (trusted: they were read from the store)."""
    return [Listing(tier=t, tier_label=lb, position=p, name=n, key=k) for t, lb, p, n, k in lines]


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


def tenures(
    spans: Sequence[Stretch], renames: Mapping[int, Sequence[tuple[str, str]]]
) -> tuple[list[Tenure], Holders]:
    """Every member listed in the stretches (time order), in order of first appearance, and
    which member each key stood for when. `renames`: (old key, new key) of the logged renames
    by the id of the snapshot each was seen at (the first of a stretch: a rename changes the
    list)."""
    walk = _Walk()
    previous: set[str] = set()
    for span in spans:
        for old, new in renames.get(span.first.snapshot_id, ()):
            walk.rename(old, new, span.first.at)
        present = walk.best(span)
        for slug, (tier, name, key) in present.items():
            member = walk.members[slug]
            if not member.runs:
                member.runs.append(Span(tier, span.first, span.last, span.count))
                member.names.append(Span(name, span.first, span.last, span.count))
                continue
            _extend(member, span, tier, name, key, slug in previous)
        previous = set(present)
    last = spans[-1].last.snapshot_id if spans else None
    for member in walk.members.values():
        member.current = member.last_seen.snapshot_id == last
    return list(walk.members.values()), walk.holders


class _Walk:
    """Whose each key is as the stretches are walked: a key's member until a rename hands it
    on or a clash (two keys of one member listed at once) gives it a member of its own."""

    def __init__(self) -> None:
        self.members: dict[str, Tenure] = {}
        self.holders = Holders()
        self._owner: dict[str, Tenure] = {}

    def rename(self, old: str, new: str, at: str) -> None:
        member = self._owner.get(old)
        if member is not None and self._owner.get(new) is not member:
            self._hand(new, member, at)

    def best(self, span: Stretch) -> dict[str, tuple[str, str, str]]:
        """Member slug -> (tier, name, key) of its best listing in the stretch: the highest
        tier, then the first on the page (a member listed twice is one)."""
        owners = self._owners(span)
        best: dict[str, tuple[int, int, str, str, str]] = {}
        for tier, _label, position, name, key in span.lines:
            slug = owners[key].slug
            rank = (tier_rank(tier), position, tier, name, key)
            held = best.get(slug)
            if held is None or rank[:2] < held[:2]:
                best[slug] = rank
        return {slug: (t, n, k) for slug, (_, _, t, n, k) in best.items()}

    def _owners(self, span: Stretch) -> dict[str, Tenure]:
        """The member each key listed in the stretch stands for. Two keys of one member listed
        at once contradict the rename that joined them: the member keeps the key it was last
        listed under (else the first on the page) and the other starts a member of its own."""
        listed: dict[str, str] = {}  # key -> name, first on the page
        for _tier, _label, _position, name, key in span.lines:
            listed.setdefault(key, name)
        keeps: dict[str, str] = {}  # member slug -> the key it keeps here
        for key in listed:
            member = self._owner.get(key)
            if member is not None and (member.key == key or member.slug not in keeps):
                keeps[member.slug] = key
        owners: dict[str, Tenure] = {}
        for key, name in listed.items():
            member = self._owner.get(key)
            if member is None or keeps[member.slug] != key:
                member = self._new(key, name, span)
            owners[key] = member
        return owners

    def _new(self, key: str, name: str, span: Stretch) -> Tenure:
        slug = slug_of(key)
        if slug in self.members:  # a former key listed again beside its successor
            slug = slug_of(f"{key}@{span.first.at}")
        member = Tenure(slug, key, name, span.first, span.last, keys=[key])
        self.members[slug] = member
        self._hand(key, member, span.first.at)
        return member

    def _hand(self, key: str, member: Tenure, at: str) -> None:
        self._owner[key] = member
        self.holders.hand(key, at, member.slug)
        if key not in member.keys:
            member.keys.append(key)


def _extend(member: Tenure, span: Stretch, tier: str, name: str, key: str, unbroken: bool) -> None:
    """One more stretch listing `member`: a run goes on only without a gap and a tier move."""
    member.last_seen = span.last
    member.key, member.name = key, name
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
