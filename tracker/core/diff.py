"""What changed between two member lists: pure, over member keys.

A member is a key (``normalize_key`` of its name), so spelling noise never shows as a
change. Its effective tier is the highest tier it is listed under; a member listed twice
(board and ordinary, or twice in one tier) is one member with several listings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from operator import attrgetter
from typing import Literal, NamedTuple, TypeVar

import msgspec

from tracker.core.kinds import CHANGE_KINDS, ChangeKind
from tracker.core.models import Listing, tier_rank
from tracker.core.renames import RENAME_THRESHOLD, Match, match_renames

Direction = Literal["promotion", "demotion"]
M = TypeVar("M", bound="MemberChange")
T = TypeVar("T")


class Member(msgspec.Struct, frozen=True):
    """One organisation in one snapshot: its best listing and every tier it appears in."""

    key: str
    name: str
    tier: str
    # Tier of every listing, highest first: ["board", "ordinary"] for a double listing.
    listed: list[str]


# Listings by key, best (highest tier, then first on the page) first. Diffs work on these
# groups and build Member records only for what changed: a benchmark diff has 120,000 members.
Groups = dict[str, list[Listing]]


# Every change names the member on the newer side of the pair (key, name, tier) and on the
# older (old_key, old_name, old_tier), as far as each side has it: `event_fields()`, the
# change as one event of the change log. `keys()` are the member keys whose annotations
# describe it, best first; `tiers()` and `names()` are what watchers filter on.
EventFields = dict[str, str | float | None]


class OneMember(msgspec.Struct, frozen=True):
    """A change to one member, known by one key and name on both sides of the pair."""

    key: str
    name: str

    def keys(self) -> tuple[str, ...]:
        return (self.key,)

    def names(self) -> list[tuple[str, str]]:
        return [(self.key, self.name)]


class InOneTier(OneMember, frozen=True):
    tier: str

    def tiers(self) -> set[str]:
        return {self.tier}


class MemberChange(InOneTier, frozen=True):
    """A join or a departure."""


class Joined(MemberChange, frozen=True):
    def event_fields(self) -> EventFields:
        return {"key": self.key, "name": self.name, "tier": self.tier}


class Departed(MemberChange, frozen=True):
    def event_fields(self) -> EventFields:
        return {"key": self.key, "name": self.name, "old_tier": self.tier}


class TierChange(OneMember, frozen=True):
    old_tier: str
    new_tier: str
    direction: Direction

    def tiers(self) -> set[str]:
        return {self.old_tier, self.new_tier}

    def event_fields(self) -> EventFields:
        return {
            "key": self.key,
            "name": self.name,
            "tier": self.new_tier,
            "old_tier": self.old_tier,
            "direction": self.direction,
        }


class Rename(msgspec.Struct, frozen=True):
    """A departed and a joined member that are very likely one organisation."""

    old_key: str
    old_name: str
    new_key: str
    new_name: str
    old_tier: str
    new_tier: str
    # None when the tier stayed the same.
    direction: Direction | None
    score: float

    def keys(self) -> tuple[str, ...]:
        return (self.new_key, self.old_key)

    def tiers(self) -> set[str]:
        return {self.old_tier, self.new_tier}

    def names(self) -> list[tuple[str, str]]:
        return [(self.old_key, self.old_name), (self.new_key, self.new_name)]

    def event_fields(self) -> EventFields:
        return {
            "key": self.new_key,
            "name": self.new_name,
            "tier": self.new_tier,
            "old_key": self.old_key,
            "old_name": self.old_name,
            "old_tier": self.old_tier,
            "direction": self.direction,
            "score": self.score,
        }


class ListingChange(InOneTier, frozen=True):
    """A member whose effective tier stayed but who gained or lost a listing."""

    old_listed: list[str]
    new_listed: list[str]

    def event_fields(self) -> EventFields:
        return {
            "key": self.key,
            "name": self.name,
            "tier": self.tier,
            "old_tier": self.tier,
            "listed": "+".join(self.new_listed),
            "old_listed": "+".join(self.old_listed),
        }


Change = Joined | Departed | TierChange | Rename | ListingChange


class Diff(msgspec.Struct, frozen=True):
    """One list per kind of change; the fields are the sections of `CHANGE_KINDS`."""

    joined: list[Joined]
    departed: list[Departed]
    tier_changed: list[TierChange]
    renamed: list[Rename]
    listing_changes: list[ListingChange]
    old_members: int
    new_members: int

    def changes(self, kind: ChangeKind) -> list[Change]:
        return list(getattr(self, kind.section))

    @property
    def empty(self) -> bool:
        return not any(getattr(self, kind.section) for kind in CHANGE_KINDS)


def group_listings(listings: Iterable[Listing]) -> Groups:
    grouped: Groups = {}
    for listing in listings:
        group = grouped.get(listing.key)
        if group is None:
            grouped[listing.key] = [listing]
        else:
            group.append(listing)
    for group in grouped.values():
        if len(group) > 1:
            group.sort(key=lambda x: (tier_rank(x.tier), x.position))
    return grouped


def member(group: list[Listing]) -> Member:
    """The member a key's listings describe; its name is that of its best listing."""
    best = group[0]
    return Member(key=best.key, name=best.name, tier=best.tier, listed=[x.tier for x in group])


def members(listings: Iterable[Listing]) -> dict[str, Member]:
    return {key: member(group) for key, group in group_listings(listings).items()}


def direction(old_tier: str, new_tier: str) -> Direction | None:
    if tier_rank(new_tier) == tier_rank(old_tier):
        return None
    return "promotion" if tier_rank(new_tier) < tier_rank(old_tier) else "demotion"


def in_report_order(items: Sequence[T], tier: str = "tier", name: str = "name") -> list[T]:
    """`items` in report order: by the rank of their field `tier`, then their `name`; stable.
    All in C but a rank per tier: a ten-year diff sorts thousands of joins. Sorted by name,
    then by rank (stably), which orders them as (rank, name) would, at a fraction of
    comparing tuples."""
    tiers = list(map(attrgetter(tier), items))
    rank = {t: tier_rank(t) for t in set(tiers)}
    order = sorted(range(len(items)), key=list(map(attrgetter(name), items)).__getitem__)
    order.sort(key=list(map(rank.__getitem__, tiers)).__getitem__)
    return list(map(items.__getitem__, order))


def diff(
    old: Sequence[Listing],
    new: Sequence[Listing],
    *,
    rename_threshold: float = RENAME_THRESHOLD,
) -> Diff:
    """Joins, departures, tier changes, likely renames and listing changes from old to new."""
    before, after = group_listings(old), group_listings(new)
    gone = sorted(before.keys() - after.keys())
    came = sorted(after.keys() - before.keys())
    matches = match_renames(gone, came, threshold=rename_threshold)
    paired_old = {m.old_key for m in matches}
    paired_new = {m.new_key for m in matches}
    kept = before.keys() & after.keys()
    return Diff(
        joined=_changes(Joined, (after[k] for k in came if k not in paired_new)),
        departed=_changes(Departed, (before[k] for k in gone if k not in paired_old)),
        tier_changed=_tier_changes(before, after, kept),
        renamed=_renames(before, after, matches),
        listing_changes=_listing_changes(before, after, kept),
        old_members=len(before),
        new_members=len(after),
    )


def _changes(kind: type[M], groups: Iterable[list[Listing]]) -> list[M]:
    return in_report_order([kind(key=g[0].key, name=g[0].name, tier=g[0].tier) for g in groups])


def _tier_changes(before: Groups, after: Groups, kept: set[str]) -> list[TierChange]:
    changes = []
    for key in kept:
        old, new = before[key][0], after[key][0]
        moved = direction(old.tier, new.tier) if old.tier != new.tier else None
        if moved is not None:
            changes.append(
                TierChange(
                    key=key, name=new.name, old_tier=old.tier, new_tier=new.tier, direction=moved
                )
            )
    return in_report_order(changes, tier="new_tier")


def _renames(before: Groups, after: Groups, matches: Iterable[Match]) -> list[Rename]:
    renames = []
    for match in matches:
        old, new = before[match.old_key][0], after[match.new_key][0]
        renames.append(
            Rename(
                old_key=old.key,
                old_name=old.name,
                new_key=new.key,
                new_name=new.name,
                old_tier=old.tier,
                new_tier=new.tier,
                direction=direction(old.tier, new.tier),
                score=match.score,
            )
        )
    return in_report_order(renames, tier="new_tier", name="new_name")


def _listing_changes(before: Groups, after: Groups, kept: set[str]) -> list[ListingChange]:
    changes = []
    for key in kept:
        old, new = before[key], after[key]
        # Most members have one listing on both sides: skip them without building lists.
        if (len(old) > 1 or len(new) > 1) and old[0].tier == new[0].tier:
            old_listed, new_listed = [x.tier for x in old], [x.tier for x in new]
            if old_listed != new_listed:
                changes.append(
                    ListingChange(
                        key=key,
                        name=new[0].name,
                        tier=new[0].tier,
                        old_listed=old_listed,
                        new_listed=new_listed,
                    )
                )
    return in_report_order(changes)


class Transient(msgspec.Struct, frozen=True):
    """A member a two-point diff cannot see: it came and went, or went and came back.

    ``first_id``/``last_id`` bound the snapshots where it was present (came_and_went) or
    absent (went_and_came_back); ``snapshots`` counts them.
    """

    kind: Literal["came_and_went", "went_and_came_back"]
    key: str
    name: str
    tier: str
    first_id: int
    first_at: datetime
    last_id: int
    last_at: datetime
    snapshots: int

    def keys(self) -> tuple[str, ...]:
        return (self.key,)


class Reading(NamedTuple):
    """One in-between snapshot: its id, time and listings."""

    id: int
    at: datetime
    listings: Sequence[Listing]


def transients(
    old: Sequence[Listing], between: Sequence[Reading], new: Sequence[Listing]
) -> list[Transient]:
    """Members present only between the endpoints, or missing only between them."""
    ends_old, ends_new = {x.key for x in old}, {x.key for x in new}
    seen: dict[str, list[tuple[Reading, list[Listing]]]] = {}
    missing: dict[str, list[Reading]] = {}
    for reading in between:
        groups = group_listings(reading.listings)
        for key, group in groups.items():
            if key not in ends_old and key not in ends_new:
                seen.setdefault(key, []).append((reading, group))
        for key in (ends_old & ends_new) - groups.keys():
            missing.setdefault(key, []).append(reading)
    names = group_listings(new)
    found = [_came_and_went(key, spans) for key, spans in seen.items()]
    # In the new page's order, not the set difference's: that follows the hash seed, and
    # ties in report order (two keys under one name) would too.
    found += [_went_and_came_back(names[key], missing[key]) for key in names if key in missing]
    return sorted(in_report_order(found), key=attrgetter("kind"))


def _came_and_went(key: str, spans: list[tuple[Reading, list[Listing]]]) -> Transient:
    best = min((group[0] for _, group in spans), key=lambda x: tier_rank(x.tier))
    first, last = spans[0][0], spans[-1][0]
    return _transient("came_and_went", best, first, last, len(spans))


def _went_and_came_back(group: list[Listing], spans: list[Reading]) -> Transient:
    return _transient("went_and_came_back", group[0], spans[0], spans[-1], len(spans))


def _transient(
    kind: Literal["came_and_went", "went_and_came_back"],
    listing: Listing,
    first: Reading,
    last: Reading,
    count: int,
) -> Transient:
    return Transient(
        kind=kind,
        key=listing.key,
        name=listing.name,
        tier=listing.tier,
        first_id=first.id,
        first_at=first.at,
        last_id=last.id,
        last_at=last.at,
        snapshots=count,
    )
