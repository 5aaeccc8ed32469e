"""`tracker history`: find a member by part of its name, and read its timeline from the store.

The walk itself is pure (`tracker.core.history`); here the listings of the member's keys,
and the renames that link them, are read from the database. A member is found by its key,
its Chinese name or the English and Chinese names annotations give it
(`tracker.core.annotations.name_matches`, the match `tracker members --search` uses).
"""

from __future__ import annotations

import msgspec

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
    if wanted and store.lists_key(source_id, wanted):
        return wanted  # a key (or the name itself): one lookup by key
    known = _candidates(store, source_id, query)
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
    shown_keys = [key for keys in found[:MAX_CANDIDATES] for key in keys]
    names = store.latest_names(source_id, shown_keys)
    notes = store.annotations_for(shown_keys)
    shown = ", ".join(_label(keys, names, notes) for keys in found[:MAX_CANDIDATES])
    more = f" and {len(found) - MAX_CANDIDATES} more" if len(found) > MAX_CANDIDATES else ""
    raise StoreError(
        f"{query!r} matches {len(found)} members: {shown}{more}; give more of the name or a key"
    )


def _candidates(store: Store, source_id: str, query: str) -> set[str]:
    """Every key listed in an ok snapshot that `query` names: part of the key, or of a name
    an annotation gives it."""
    wanted = normalize_key(query)
    if not wanted:
        return set()
    # Keys are searched among distinct names, not listings (half a million in ten years of
    # daily snapshots); annotated names are few, and matched here as keys are compared.
    known = store.keys_containing(source_id, wanted)
    named = {
        k for k, name in store.annotated_names() if k not in known and wanted in normalize_key(name)
    }
    # A name of any origin matched; the one shown is the merged annotation's.
    notes = store.annotations_for(named)
    named = {k for k in named if name_matches(query, k, notes.get(k))}
    return known | store.listed_keys(source_id, named)


def _label(keys: list[str], names: dict[str, str], notes: dict[str, Annotation]) -> str:
    """A candidate as the error lists it: its names, and its English name when annotated."""
    english = next(
        (n.common_name_en for k in keys if (n := notes.get(k)) and n.common_name_en), None
    )
    listed = " / ".join(names[k] for k in keys)
    return f"{listed} ({english})" if english else listed


def timeline(store: Store, source_id: str, key: str) -> Timeline:
    """The timeline of member `key` under every key a logged rename links to it."""
    keys = linked_keys(store.rename_edges(source_id), key)
    present = presence(store.listings_of(source_id, keys))
    ok = store.snapshots(source_id, status="ok")
    found = member_timeline(ok, present, key=key, source_id=source_id)
    notes = annotations_of(store, source_id, [found.key], names={found.key: found.name})
    return msgspec.structs.replace(found, annotation=notes.get(found.key))


def history_of(store: Store, source_id: str, query: str) -> Timeline:
    """`tracker history NAME_OR_KEY`: the timeline of the one member the query names."""
    return timeline(store, source_id, find_member(store, source_id, query))
