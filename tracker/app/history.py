"""One member's timeline across every ok snapshot: first and last seen, tier moves, gaps.

Presence is read from the listings themselves (the evidence); the change log contributes
the rename links, so a member renamed in 2022 shows its life under the old name too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

from tracker.core.diff import Member, direction, group_listings, member
from tracker.core.errors import StoreError
from tracker.core.models import TIER_NAMES_EN, Listing, Snapshot, tier_rank
from tracker.core.normalize import normalize_key
from tracker.core.stamps import utc_text
from tracker.store import Store

EventKind = Literal[
    "first_seen", "left", "returned", "renamed", "promotion", "demotion", "listing_changed"
]
MAX_CANDIDATES = 10


class HistoryEvent(BaseModel):
    snapshot_id: int
    at: str
    event: EventKind
    tier: str | None
    name: str
    detail: str = ""


class Seen(BaseModel):
    snapshot_id: int
    at: str


class Timeline(BaseModel):
    key: str
    name: str
    # The member's keys over time, oldest first, linked by logged renames.
    keys: list[str]
    first_seen: Seen
    last_seen: Seen
    # Listed in the latest ok snapshot.
    current: bool
    events: list[HistoryEvent]


def find_member(store: Store, source_id: str, query: str) -> str:
    """The key a name, part of a name or key designates; ambiguous or unknown is an error."""
    wanted = normalize_key(query)
    known = store.keys_containing(source_id, wanted)
    if wanted in known:
        return wanted
    found = sorted(k for k in known if wanted and wanted in k)
    # Both names of one renamed member match a shared part: that is one member, not two.
    if len({min(linked_keys(store, source_id, k)) for k in found}) == 1:
        return found[0]
    if not found:
        raise StoreError(f"no member of {source_id!r} matches {query!r} in any ok snapshot")
    shown = ", ".join(known[k] for k in found[:MAX_CANDIDATES])
    more = f" and {len(found) - MAX_CANDIDATES} more" if len(found) > MAX_CANDIDATES else ""
    raise StoreError(
        f"{query!r} matches {len(found)} members: {shown}{more}; give more of the name or a key"
    )


def linked_keys(store: Store, source_id: str, key: str) -> set[str]:
    """The key and every key joined to it by a logged rename, in either direction."""
    edges = store.rename_edges(source_id)
    found, frontier = {key}, [key]
    while frontier:
        current = frontier.pop()
        for old, new in edges:
            for a, b in ((old, new), (new, old)):
                if a == current and b not in found:
                    found.add(b)
                    frontier.append(b)
    return found


def timeline(store: Store, source_id: str, key: str) -> Timeline:
    ok = store.snapshots(source_id, status="ok")
    keys = linked_keys(store, source_id, key)
    present = _presence(store, source_id, keys)
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


def _presence(store: Store, source_id: str, keys: set[str]) -> dict[int, Member]:
    """Snapshot id -> the member as that snapshot lists it (under any of its keys)."""
    by_snapshot = store.listings_of(source_id, keys)
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
        detail = f"{_tier(previous.tier)} → {_tier(current.tier)}"
        steps.append((moved, current.tier, current.name, detail))
    elif previous.listed != current.listed:
        detail = f"listed as {_listed(previous)} → {_listed(current)}"
        steps.append(("listing_changed", current.tier, current.name, detail))
    return steps


def _tier(tier: str) -> str:
    return TIER_NAMES_EN.get(tier, tier)


def _listed(found: Member) -> str:
    return "+".join(_tier(t) for t in found.listed)
