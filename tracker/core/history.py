"""One member's timeline across every ok snapshot: first and last seen, tier moves, gaps.

Presence is read from the listings themselves (the evidence); the change log contributes
the rename links, so a member renamed in 2022 shows its life under the old name too. Pure:
`tracker.app.history` reads the listings and the links.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import msgspec

from tracker.core.diff import Member, direction, group_listings, member
from tracker.core.errors import StoreError
from tracker.core.models import Listing, Snapshot, tier_name, tier_rank
from tracker.core.stamps import utc_text

if TYPE_CHECKING:
    # Only named: a timeline is built without one; `tracker.app.history` adds it.
    from tracker.core.annotations import Annotation

EventKind = Literal[
    "first_seen", "left", "returned", "renamed", "promotion", "demotion", "listing_changed"
]


class HistoryEvent(msgspec.Struct, frozen=True):
    snapshot_id: int
    at: str
    event: EventKind
    tier: str | None
    name: str
    detail: str = ""


class Seen(msgspec.Struct, frozen=True):
    snapshot_id: int
    at: str


class Timeline(msgspec.Struct, frozen=True):
    key: str
    name: str
    # The member's keys over time, oldest first, linked by logged renames.
    keys: list[str]
    first_seen: Seen
    last_seen: Seen
    # Listed in the latest ok snapshot.
    current: bool
    events: list[HistoryEvent]
    # What annotations say of the member: its latest key's own, or carried from a former name.
    annotation: Annotation | None = None


def linked_keys(edges: Sequence[tuple[str, str]], key: str) -> set[str]:
    """The key and every key joined to it by a rename edge (old, new), in either direction."""
    found, frontier = {key}, [key]
    while frontier:
        current = frontier.pop()
        for old, new in edges:
            for a, b in ((old, new), (new, old)):
                if a == current and b not in found:
                    found.add(b)
                    frontier.append(b)
    return found


def member_timeline(
    ok: Sequence[Snapshot], present: dict[int, Member], *, key: str, source_id: str
) -> Timeline:
    """The timeline of member `key`, present (under one of its keys) in `present` snapshots."""
    events = timeline_events(ok, present)
    seen = [s for s in ok if s.id in present]
    if not seen:
        raise StoreError(f"{key!r} is in no ok snapshot of {source_id!r}")
    last = present[seen[-1].id]
    order = [present[s.id].key for s in seen]
    return Timeline(
        key=last.key,
        name=last.name,
        keys=list(dict.fromkeys(order)),
        first_seen=Seen(snapshot_id=seen[0].id, at=utc_text(seen[0].captured_at)),
        last_seen=Seen(snapshot_id=seen[-1].id, at=utc_text(seen[-1].captured_at)),
        current=seen[-1].id == ok[-1].id,
        events=events,
    )


def presence(by_snapshot: dict[int, list[Listing]]) -> dict[int, Member]:
    """Snapshot id -> the member as that snapshot lists it (under any of its keys)."""
    # Two linked keys in one snapshot (both names listed): the best listing speaks for it.
    return {sid: member(_merged(found)) for sid, found in by_snapshot.items()}


def _merged(found: list[Listing]) -> list[Listing]:
    groups = group_listings(found).values()
    return min(groups, key=lambda g: (tier_rank(g[0].tier), g[0].position))


def timeline_events(ok: Sequence[Snapshot], present: dict[int, Member]) -> list[HistoryEvent]:
    """Walk the ok snapshots in order and note every change in the member's presence."""
    events: list[HistoryEvent] = []
    previous: Member | None = None
    seen = False
    for snapshot in ok:
        current = present.get(snapshot.id)
        for kind, tier, name, detail in _steps(previous, current, seen):
            events.append(
                HistoryEvent(
                    snapshot_id=snapshot.id,
                    at=utc_text(snapshot.captured_at),
                    event=kind,
                    tier=tier,
                    name=name,
                    detail=detail,
                )
            )
        seen = seen or current is not None
        previous = current
    return events


Step = tuple[EventKind, str | None, str, str]


def _steps(previous: Member | None, current: Member | None, seen: bool) -> list[Step]:
    if current is None:
        return [] if previous is None else [("left", None, previous.name, "not listed")]
    if previous is None:
        kind: EventKind = "returned" if seen else "first_seen"
        return [(kind, current.tier, current.name, f"listed as {_listed(current)}")]
    return _moves(previous, current)


def _moves(previous: Member, current: Member) -> list[Step]:
    steps: list[Step] = []
    if previous.key != current.key:
        steps.append(("renamed", current.tier, current.name, f"was {previous.name}"))
    moved = direction(previous.tier, current.tier)
    if moved is not None:
        detail = f"{tier_name(previous.tier)} → {tier_name(current.tier)}"
        steps.append((moved, current.tier, current.name, detail))
    elif previous.listed != current.listed:
        detail = f"listed as {_listed(previous)} → {_listed(current)}"
        steps.append(("listing_changed", current.tier, current.name, detail))
    return steps


def _listed(found: Member) -> str:
    return "+".join(tier_name(t) for t in found.listed)
