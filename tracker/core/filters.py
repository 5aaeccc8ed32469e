"""What each watcher asked to hear: its events, tiers, names and a minimum of changes. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import msgspec

from tracker.core.config import Watcher
from tracker.core.departures import Digest
from tracker.core.diff import Change
from tracker.core.kinds import CHANGE_KINDS, WATCHED_KINDS
from tracker.core.normalize import normalize_key

C = TypeVar("C", bound=Change)


def _wanted(change: Change, tiers: set[str], names: list[str]) -> bool:
    if tiers and not change.tiers() & tiers:
        return False
    if not names:
        return True
    pairs = change.names()
    return any(n in name or normalize_key(n) in key for n in names for key, name in pairs)


def filter_digest(digest: Digest, watcher: Watcher) -> Digest | None:
    """The part of a digest a watcher asked for; None when that is less than `min_changes`."""
    # Config validation has turned every name into a tier id.
    tiers = set(watcher.tiers)

    def keep(event: str, changes: Sequence[C]) -> list[C]:
        if event not in watcher.events:
            return []
        return [c for c in changes if _wanted(c, tiers, watcher.names)]

    d = digest.diff
    # Only the watched kinds reach watchers: the others are emptied.
    # Section name -> its changes: each section holds its own kind, which mypy cannot see.
    kept: dict[str, Any] = {
        kind.section: keep(kind.event, d.changes(kind)) for kind in WATCHED_KINDS
    }
    unwatched: dict[str, Any] = {k.section: [] for k in CHANGE_KINDS if not k.watched}
    picked = Digest(
        old=digest.old,
        new=digest.new,
        diff=msgspec.structs.replace(d, **(unwatched | kept)),
        unconfirmed=keep("departed", digest.unconfirmed),
    )
    return picked if picked.count() >= watcher.min_changes else None
