"""The kinds of change between two member lists: THE one table every list of kinds reads.

The diff's sections, the change log's `kind` column, report headings and the CSV `change`
column, watchers' `events` and the counts in their messages all derive from `CHANGE_KINDS`.
Adding a kind is a row here and its record in `tracker.core.diff` (a `Diff` field holding
change models with `keys()` and `event_fields()`). No imports: the configuration validates
watchers' events against this table without loading the diff.
"""

from __future__ import annotations

from typing import NamedTuple


class ChangeKind(NamedTuple):
    # The `Diff` field, and the section of `tracker diff --format json`.
    section: str
    # Its name in the `changes` table, the CSV `change` column and watchers' `events`.
    event: str
    # The heading of its section in reports.
    title: str
    # How a watcher's message counts it: "3 tier changed".
    counted: str
    # Whether watchers can subscribe to it (listing changes are too fine-grained to alert on).
    watched: bool


CHANGE_KINDS: tuple[ChangeKind, ...] = (
    ChangeKind("joined", "joined", "Joined", "joined", True),
    ChangeKind("departed", "departed", "Departed", "departed", True),
    ChangeKind("tier_changed", "tier_changed", "Tier changes", "tier changed", True),
    ChangeKind("renamed", "renamed", "Likely renames", "renamed", True),
    ChangeKind("listing_changes", "listing_changed", "Listing changes", "listing changed", False),
)
# The version of what `tracker.core.diff` decides (joins, departures, tier changes, likely
# renames and their scores). The change log records the version that wrote it and is
# rebuilt under a new one (`tracker.app.changelog`). Bump it with any change to what `diff`
# returns: tests/test_diff_rules.py fails until it is bumped. Here, not in the diff: every
# command that reads the log checks it, and most never load the diff.
LOG_RULES = "2"
WATCHED_KINDS = tuple(kind for kind in CHANGE_KINDS if kind.watched)
# The tracker's own health, which watchers may also hear about.
HEALTH_EVENTS = ("error", "recovered")
WATCHER_EVENTS = (*(kind.event for kind in WATCHED_KINDS), *HEALTH_EVENTS)
