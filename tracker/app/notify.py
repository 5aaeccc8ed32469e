"""Who hears about a settled capture, and what: health alerts and change digests.

`settle` calls here inside the capture's transaction, so the messages are queued in the
outbox with the snapshot they tell about (`tracker.app.deliver` sends them later). At most
one message per watcher and capture. Nothing here decides *what* changed (that is
`tracker.core.diff`) nor how it reads (`tracker.render.messages`): this module reads the
readings and the alert state from the store and picks the recipients.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tracker.app.annotations import annotations_of
from tracker.core.config import Config, Source
from tracker.core.config import Watcher as WatcherConfig
from tracker.core.departures import (
    Digest,
    confirmed_departures,
    departures_only,
    held_back,
)
from tracker.core.diff import Diff, diff, members
from tracker.core.filters import filter_digest
from tracker.core.health import Health, HealthEvent, health_change
from tracker.core.models import CaptureOutcome, Snapshot, is_present
from tracker.render.messages import change_message, health_message
from tracker.store import Store
from tracker.store.outbox import OutboxStatus, Queued


def subscribed(watcher: WatcherConfig, source_id: str) -> bool:
    return not watcher.sources or source_id in watcher.sources


def capture_messages(
    store: Store, config: Config, outcome: CaptureOutcome, at: datetime
) -> list[Queued]:
    """At most one message per watcher for this capture: a health message or a digest.

    An error or a quarantine never yields a membership message, and neither does a new
    page whose membership is unchanged (a restyle, a reorder, spelling noise), nor a
    reading of the past: a baseline, a Wayback capture, or a saved page dated before the
    latest snapshot.
    """
    source = config.source(outcome.source_id)
    watchers = [w for w in config.watchers if subscribed(w, source.id)]
    found = [m for w in watchers if (m := _health_for(store, config, w, outcome, at))]
    new = outcome.snapshot
    if outcome.failed or new is None or new.status != "ok" or not is_present(new.origin):
        return found
    latest = store.latest(source.id)
    if latest is None or latest.id != new.id:
        return found
    return found + change_messages(store, config, new, new_page=outcome.outcome == "new", at=at)


def news_messages(
    store: Store, config: Config, source_id: str, changed: Sequence[Snapshot], at: datetime
) -> list[Queued]:
    """Digests of a snapshot that became ok, when it reads the present and is the latest."""
    latest = store.latest(source_id)
    return [
        queued
        for snapshot in changed
        if is_present(snapshot.origin) and latest is not None and snapshot.id == latest.id
        for queued in change_messages(store, config, latest, new_page=True, at=at)
    ]


def change_messages(
    store: Store, config: Config, new: Snapshot, *, new_page: bool, at: datetime
) -> list[Queued]:
    """One digest per subscribed watcher of what the ok snapshot `new` changed, if anything."""
    source = config.source(new.source_id)
    digest = digest_for(store, source, new, new_page=new_page)
    if digest is None or digest.count() == 0:
        return []
    notes = annotations_of(store, source.id, digest.keys(), renamed=digest.diff.renamed)
    found: list[Queued] = []
    for watcher in config.watchers:
        picked = filter_digest(digest, watcher) if subscribed(watcher, source.id) else None
        if picked is not None:
            message = change_message(picked, source.id, watcher.name, notes, at)
            found.append(Queued(message, new.id))
    return found


# Digests: confirmed departures -----------------------------------------------------------


def digest_for(store: Store, source: Source, new: Snapshot, *, new_page: bool) -> Digest | None:
    """What this reading of the source tells watchers, or None.

    A new page is compared with the last ok reading of the present before it. With `confirm_departures` above
    1, an absence becomes a departure only once the member is missing from that many
    successful readings in a row; an unchanged page re-read counts as a reading too, or a
    page that stays the same could never confirm anything.
    """
    changed = None
    if new_page:
        ok = store.snapshots(source.id, status="ok", until=new.captured_at)
        earlier = [s for s in ok if (s.captured_at, s.id) < (new.captured_at, new.id)]
        if not earlier:
            return None
        # What watchers last heard of: the last reading of the present, not a backfilled
        # reading of the past dated after it (its joins were never news); with none, the
        # history the tracker started from (a baseline, a backfill).
        old = next((s for s in reversed(earlier) if is_present(s.origin)), earlier[-1])
        changed = diff(store.listings(old.id), store.listings(new.id))
    if source.confirm_departures == 1:
        return None if changed is None else Digest(old=old, new=new, diff=changed)
    readings = store.present_readings(source.id, source.confirm_departures + 1)
    return _confirm(store, readings, changed, source.confirm_departures, new)


def _confirm(
    store: Store, readings: list[int], changed: Diff | None, needed: int, new: Snapshot
) -> Digest | None:
    """Departures once missing from `needed` readings in a row; a quick return is no join."""
    keys = {sid: store.member_keys(sid) for sid in set(readings)}
    seen = [keys[sid] for sid in readings]
    first = members(store.listings(readings[0])) if len(readings) == needed + 1 else {}
    confirmed = confirmed_departures(seen, first, needed)
    if changed is None:
        if not confirmed:
            return None
        old = store.snapshot(readings[0])
        return Digest(old=old, new=new, diff=departures_only(confirmed, old, new))
    old = store.snapshot(readings[-2]) if len(readings) > 1 else new
    adjusted = held_back(changed, seen, confirmed)
    return Digest(old=old, new=new, diff=adjusted, unconfirmed=changed.departed)


# Health ---------------------------------------------------------------------------------


def health_event(
    store: Store, config: Config, watcher: WatcherConfig, outcome: CaptureOutcome
) -> tuple[HealthEvent, Health] | None:
    """`error` once failures reach the threshold, `recovered` once after; else None.

    Only fetches of the source's own URL count: a file capture or a Wayback backfill says
    nothing about whether the site is up.
    """
    source = config.source(outcome.source_id)
    reads_the_site = store.fetch_url(outcome.fetch_id) == source.url
    if "error" not in watcher.events or not reads_the_site:
        return None
    # Failed or quarantined readings in a row, this one included when it failed.
    before = outcome.fetch_id + 1 if outcome.failed else outcome.fetch_id
    failures = store.failures_before(source.id, source.url, before)
    event = health_change(
        failed=outcome.failed,
        alerting=store.last_health_event(watcher.name, source.id) == "error",
        failures=failures,
        threshold=config.schedule.alert_after_failures,
    )
    if event is None:
        return None
    return event, Health(failures, outcome.message, store.latest(source.id, status="ok"))


def _health_for(
    store: Store, config: Config, watcher: WatcherConfig, outcome: CaptureOutcome, at: datetime
) -> Queued | None:
    found = health_event(store, config, watcher, outcome)
    if found is None:
        return None
    event, state = found
    message = health_message(event, state, outcome.source_id, watcher.name, at)
    # `skipped` records a state change its watcher did not ask to hear.
    status: OutboxStatus = "pending" if event in watcher.events else "skipped"
    return Queued(message, outcome.snapshot.id if outcome.snapshot else None, status)
