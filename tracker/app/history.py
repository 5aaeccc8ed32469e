"""`tracker history`: find a member by part of its name, and read its timeline from the store.

The walk itself is pure (`tracker.core.history`); here the listings of the member's keys,
and the renames that link them, are read from the database. A member is found by its key,
its Chinese name or the English and Chinese names annotations give it
(`tracker.core.annotations.name_matches`, the match `tracker members --search` uses).
"""

from __future__ import annotations

import dataclasses

from tracker.app.annotations import annotations_of
from tracker.core.annotations import Annotation, name_matches
from tracker.core.errors import StoreError
from tracker.core.history import Timeline, linked_keys, member_timeline, presence
from tracker.core.normalize import normalize_key
from tracker.store import Store

MAX_CANDIDATES = 10


def find_member(store: Store, source_id: str, query: str) -> str:
    """The key a name, part of a name or key designates; ambiguous or unknown is an error."""
    wanted = normalize_key(query)
    known, notes = _candidates(store, source_id, query)
    if wanted in known:
        return wanted
    # Both names of one renamed member match a shared part: that is one member, not two.
    edges = store.rename_edges(source_id)
    members: dict[str, list[str]] = {}
    for key in sorted(known):
        members.setdefault(min(linked_keys(edges, key)), []).append(key)
    found = list(members.values())
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise StoreError(
            f"no member of {source_id!r} matches {query!r} in any ok snapshot "
            "(searched: names, keys, and annotated English and Chinese names)"
        )
    shown = ", ".join(_label(keys, known, notes) for keys in found[:MAX_CANDIDATES])
    more = f" and {len(found) - MAX_CANDIDATES} more" if len(found) > MAX_CANDIDATES else ""
    raise StoreError(
        f"{query!r} matches {len(found)} members: {shown}{more}; give more of the name or a key"
    )


def _candidates(
    store: Store, source_id: str, query: str
) -> tuple[dict[str, str], dict[str, Annotation]]:
    """Key -> latest listed name of every member listed in an ok snapshot `query` names, and
    the annotations of every key."""
    wanted = normalize_key(query)
    # The keys are filtered in SQL (half a million listings in ten years of daily
    # snapshots); annotations are few, and their names are matched here.
    known = store.keys_containing(source_id, wanted) if wanted else {}
    notes = store.annotations_for()
    named = {k for k, note in notes.items() if k not in known and name_matches(query, k, note)}
    if named:
        for listings in store.listings_of(source_id, named).values():
            known |= {listing.key: listing.name for listing in listings}
    return known, notes


def _label(keys: list[str], known: dict[str, str], notes: dict[str, Annotation]) -> str:
    """A candidate as the error lists it: its names, and its English name when annotated."""
    english = next(
        (n.common_name_en for k in keys if (n := notes.get(k)) and n.common_name_en), None
    )
    names = " / ".join(known[k] for k in keys)
    return f"{names} ({english})" if english else names


def timeline(store: Store, source_id: str, key: str) -> Timeline:
    """The timeline of member `key` under every key a logged rename links to it."""
    keys = linked_keys(store.rename_edges(source_id), key)
    present = presence(store.listings_of(source_id, keys))
    ok = store.snapshots(source_id, status="ok")
    found = member_timeline(ok, present, key=key, source_id=source_id)
    notes = annotations_of(store, source_id, [found.key], names={found.key: found.name})
    return dataclasses.replace(found, annotation=notes.get(found.key))


def history_of(store: Store, source_id: str, query: str) -> Timeline:
    """`tracker history NAME_OR_KEY`: the timeline of the one member the query names."""
    return timeline(store, source_id, find_member(store, source_id, query))
