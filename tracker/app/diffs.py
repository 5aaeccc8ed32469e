"""What changed between two stored snapshots: the diff, with annotations and transients."""

from __future__ import annotations

from typing import Any

import msgspec

from tracker.app.annotations import annotations_of, listings_with_guesses
from tracker.app.refs import Resolved, resolve
from tracker.core.diff import Diff, Reading, Transient, diff, transients
from tracker.core.errors import RefPairError
from tracker.core.models import Snapshot
from tracker.core.stamps import utc_text
from tracker.render.report import DiffReport, Endpoint
from tracker.store import Store


class RefPair(msgspec.Struct, frozen=True):
    """OLD and NEW as `tracker diff` was given them, each with the snapshot it names."""

    old: Resolved
    new: Resolved

    @property
    def notes(self) -> list[str]:
        """What each reference resolved to, where that is not what it seems to say."""
        return [r.note for r in (self.old, self.new) if r.note]


def resolve_pair(store: Store, source_id: str, old_ref: str, new_ref: str) -> RefPair:
    return RefPair(resolve(store, old_ref, source_id), resolve(store, new_ref, source_id))


def diff_pair(
    store: Store, pair: RefPair, *, reverse: bool = False, with_transient: bool = False
) -> DiffReport:
    """`tracker diff OLD NEW`: the report between the two snapshots, once the pair is sound."""
    check_pair(pair, reverse=reverse)
    old, new = pair.old.snapshot, pair.new.snapshot
    return build_report(store, old, new, with_transient=with_transient)


def check_pair(pair: RefPair, *, reverse: bool) -> None:
    """RefPairError when both references name one snapshot, or NEW is older unless `reverse`.

    Either would print a report that reads as a finding: "No changes", or every join as a
    departure.
    """
    old, new = pair.old.snapshot, pair.new.snapshot
    if old.id == new.id:
        raise RefPairError(
            f"OLD {pair.old.ref!r} and NEW {pair.new.ref!r} are both {_shown(old)}: "
            "a snapshot compared with itself shows no changes; "
            "`tracker snapshots` lists what is stored, `tracker snapshot` stores today's page"
        )
    if _order(old) > _order(new) and not reverse:
        raise RefPairError(
            f"OLD {pair.old.ref!r} ({_shown(old)}) is newer than NEW {pair.new.ref!r} "
            f"({_shown(new)}): swap them (`tracker diff {pair.new.ref} {pair.old.ref}`), "
            "or add --reverse to compare backwards in time"
        )


def _shown(snapshot: Snapshot) -> str:
    return f"snapshot {snapshot.id}, captured {utc_text(snapshot.captured_at)}, {snapshot.origin}"


def build_report(
    store: Store, old: Snapshot, new: Snapshot, *, with_transient: bool = False
) -> DiffReport:
    """Everything `tracker diff` shows: endpoints, the diff, annotations, transients."""
    # Each side's listings with what their keys state (a member not annotated is guessed
    # from its key), read together.
    old_listed, old_guessed = listings_with_guesses(store, old.id, of="key")
    new_listed, new_guessed = listings_with_guesses(store, new.id, of="key")
    changed = diff(old_listed, new_listed)
    found = between(store, old, new) if with_transient else None
    keys = _keys(changed) | {t.key for t in found or []}
    return DiffReport(
        old=Endpoint.of(old),
        new=Endpoint.of(new),
        diff=changed,
        annotations=annotations_of(
            store,
            old.source_id,
            keys,
            renamed=changed.renamed,
            guessed=old_guessed | new_guessed,
        ),
        transient=found,
        reversed=_order(old) > _order(new),
    )


def _keys(changed: Diff) -> set[str]:
    keys = {c.key for c in changed.joined} | {c.key for c in changed.departed}
    keys |= {c.key for c in changed.tier_changed} | {c.key for c in changed.listing_changes}
    return keys | {k for r in changed.renamed for k in (r.old_key, r.new_key)}


def between(store: Store, old: Snapshot, new: Snapshot) -> list[Transient]:
    """Members that came and went, or went and came back, between two snapshots."""
    lo, hi = sorted([old, new], key=_order)
    inside = [
        s
        for s in store.snapshots(old.source_id, status="ok")
        if _order(lo) < _order(s) < _order(hi)
    ]
    readings = [Reading(s.id, s.captured_at, store.listings(s.id)) for s in inside]
    return transients(store.listings(old.id), readings, store.listings(new.id))


def _order(snapshot: Snapshot) -> tuple[Any, int]:
    return (snapshot.captured_at, snapshot.id)
