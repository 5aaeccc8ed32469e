"""What a reading tells watchers: the diff, with departures held back until confirmed.

A page that drops a member for one day (a CMS glitch, a page cut short) must not announce a
departure and then a join. With `confirm_departures` above 1 a member becomes departed
only once missing from that many readings in a row; one back before then never left, so
it did not join either. Pure: `tracker.app.notify` reads the snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec

from tracker.core.diff import Departed, Diff, Member, in_report_order
from tracker.core.kinds import WATCHED_KINDS
from tracker.core.models import Snapshot


@dataclass(frozen=True, slots=True)
class Digest:
    """What a tick tells watchers: the diff, with unconfirmed departures held back."""

    old: Snapshot
    new: Snapshot
    diff: Diff
    # Missing from fewer than `confirm_departures` consecutive ok snapshots.
    unconfirmed: list[Departed] = field(default_factory=list)

    def count(self) -> int:
        watched = sum(len(self.diff.changes(kind)) for kind in WATCHED_KINDS)
        return watched + len(self.unconfirmed)

    def keys(self) -> set[str]:
        """The member keys whose annotations describe the digest's changes."""
        changes = [c for kind in WATCHED_KINDS for c in self.diff.changes(kind)]
        return {key for change in [*changes, *self.unconfirmed] for key in change.keys()}


def confirmed_departures(
    seen: list[set[str]], first: dict[str, Member], needed: int
) -> list[Departed]:
    """Members of the first reading missing from each of the `needed` readings after it.

    `seen`: the member keys of each reading, oldest first; `first`: the first reading's
    members. Fewer than `needed + 1` readings confirm nothing.
    """
    if len(seen) != needed + 1:
        return []
    gone = seen[0] - set().union(*seen[1:])
    confirmed = [Departed(key=k, name=first[k].name, tier=first[k].tier) for k in gone]
    return in_report_order(confirmed)


def held_back(changed: Diff, seen: list[set[str]], confirmed: list[Departed]) -> Diff:
    """The diff with only confirmed departures, and no joins of members who never left."""
    recent = set().union(*seen[:-1])
    return msgspec.structs.replace(
        changed,
        departed=confirmed,
        # Back before its absence was confirmed: it never left, so it did not join.
        joined=[j for j in changed.joined if j.key not in recent],
    )


def departures_only(confirmed: list[Departed], old: Snapshot, new: Snapshot) -> Diff:
    """A diff holding nothing but departures confirmed by an unchanged page."""
    return Diff(
        joined=[],
        departed=confirmed,
        tier_changed=[],
        renamed=[],
        listing_changes=[],
        old_members=old.member_count,
        new_members=new.member_count,
    )
