"""Change summaries and health alerts: built in the capture's transaction, delivered later.

A tick enqueues at most one message per watcher into the `outbox` table, in the same
transaction as its snapshot, so a crash loses neither or both. Delivery reads due rows,
sends them and records the result; a failed send waits with exponential backoff while the
other watchers carry on. Nothing here decides *what* changed (that is `tracker.core.diff`); it
decides who hears about it, and how briefly.

Health: after `alert_after_failures` consecutive failed or quarantined ticks each watcher
subscribed to `error` gets one alert, and one `recovered` message when a tick works again.
The state is read back from the `fetches` and `outbox` tables, so it survives restarts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from tracker.core.annotations import Annotation
from tracker.core.config import Config, Source
from tracker.core.config import Watcher as WatcherConfig
from tracker.core.diff import Diff, MemberChange, Rename, TierChange, diff, members, sort_key
from tracker.core.errors import ConfigError, NotifyError
from tracker.core.message import Message
from tracker.core.models import TIER_NAMES_EN, CaptureOutcome, Snapshot, is_present
from tracker.core.normalize import normalize_key
from tracker.core.stamps import utc_text
from tracker.net.watchers import (
    Context,
    Watcher,
    build,
    redacted_target,
    scrub,
    secrets_of,
)
from tracker.render.report import DiffReport, Endpoint, render_json_report
from tracker.store import Store
from tracker.store.outbox import OutboxStatus, Queued

MEMBERSHIP_EVENTS = ("joined", "departed", "tier_changed", "renamed")
Change = MemberChange | TierChange | Rename


class Digest(BaseModel):
    """What a tick tells watchers: the diff, with unconfirmed departures held back."""

    old: Snapshot
    new: Snapshot
    diff: Diff
    # Missing from fewer than `confirm_departures` consecutive ok snapshots.
    unconfirmed: list[MemberChange] = []

    def count(self) -> int:
        d = self.diff
        return (
            len(d.joined)
            + len(d.departed)
            + len(d.tier_changed)
            + len(d.renamed)
            + len(self.unconfirmed)
        )


# Digest: confirmed departures ---------------------------------------------------------


def digest_for(store: Store, source: Source, new: Snapshot, *, new_page: bool) -> Digest | None:
    """What this reading of the source tells watchers, or None.

    A new page is compared with the ok snapshot before it. With `confirm_departures` above
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
        old = earlier[-1]
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
    confirmed: list[MemberChange] = []
    if len(readings) == needed + 1:
        gone = seen[0] - set().union(*seen[1:])
        first = members(store.listings(readings[0]))
        confirmed = [MemberChange(key=k, name=first[k].name, tier=first[k].tier) for k in gone]
        confirmed.sort(key=lambda c: sort_key(c.tier, c.name))
    if changed is None:
        if not confirmed:
            return None
        old = store.snapshot(readings[0])
        changed = Diff(
            joined=[],
            departed=[],
            tier_changed=[],
            renamed=[],
            listing_changes=[],
            old_members=old.member_count,
            new_members=new.member_count,
        )
        return Digest(old=old, new=new, diff=changed.model_copy(update={"departed": confirmed}))
    recent = set().union(*seen[:-1])
    adjusted = changed.model_copy(
        update={
            "departed": confirmed,
            # Back before its absence was confirmed: it never left, so it did not join.
            "joined": [j for j in changed.joined if j.key not in recent],
        }
    )
    old = store.snapshot(readings[-2]) if len(readings) > 1 else new
    return Digest(old=old, new=new, diff=adjusted, unconfirmed=changed.departed)


# Filters ------------------------------------------------------------------------------


def _touches(change: Change) -> tuple[set[str], list[tuple[str, str]]]:
    """The tiers a change involves and its (key, name) pairs."""
    if isinstance(change, MemberChange):
        return {change.tier}, [(change.key, change.name)]
    if isinstance(change, TierChange):
        return {change.old_tier, change.new_tier}, [(change.key, change.name)]
    pairs = [(change.old_key, change.old_name), (change.new_key, change.new_name)]
    return {change.old_tier, change.new_tier}, pairs


def _wanted(change: Change, tiers: set[str], names: list[str]) -> bool:
    touched, pairs = _touches(change)
    if tiers and not touched & tiers:
        return False
    if not names:
        return True
    return any(n in name or normalize_key(n) in key for n in names for key, name in pairs)


def filter_digest(digest: Digest, watcher: WatcherConfig) -> Digest | None:
    """The part of a digest a watcher asked for; None when that is less than `min_changes`."""
    # Config validation has turned every name into a tier id.
    tiers = set(watcher.tiers)

    def keep(kind: str, changes: Sequence[Change]) -> list[Any]:
        if kind not in watcher.events:
            return []
        return [c for c in changes if _wanted(c, tiers, watcher.names)]

    d = digest.diff
    picked = Digest(
        old=digest.old,
        new=digest.new,
        diff=d.model_copy(
            update={kind: keep(kind, getattr(d, kind)) for kind in MEMBERSHIP_EVENTS}
            | {"listing_changes": []}
        ),
        unconfirmed=keep("departed", digest.unconfirmed),
    )
    return picked if picked.count() >= watcher.min_changes else None


# Text ---------------------------------------------------------------------------------


def _tier(tier: str) -> str:
    return TIER_NAMES_EN.get(tier, tier)


def _english(notes: Mapping[str, Annotation], key: str) -> str:
    note = notes.get(key)
    english = note and (note.common_name_en or note.name_en_mt)
    return f" ({english})" if english else ""


def change_lines(digest: Digest, notes: Mapping[str, Annotation]) -> list[str]:
    """One line per member: what happened, the name, its English name when known, the tier."""
    d = digest.diff
    lines = [f"+ joined: {c.name}{_english(notes, c.key)} · {_tier(c.tier)}" for c in d.joined]
    lines += [f"- departed: {c.name}{_english(notes, c.key)} · {_tier(c.tier)}" for c in d.departed]
    lines += [
        f"? missing (unconfirmed): {c.name}{_english(notes, c.key)} · {_tier(c.tier)}"
        for c in digest.unconfirmed
    ]
    lines += [
        f"{'↑' if c.direction == 'promotion' else '↓'} {c.direction}: {c.name}"
        f"{_english(notes, c.key)} · {_tier(c.old_tier)} → {_tier(c.new_tier)}"
        for c in d.tier_changed
    ]
    lines += [
        f"~ renamed: {c.old_name} → {c.new_name}{_english(notes, c.new_key)} · {_tier(c.new_tier)}"
        for c in d.renamed
    ]
    return lines


def _counts(digest: Digest) -> str:
    d = digest.diff
    parts = [
        (len(d.joined), "joined"),
        (len(d.departed), "departed"),
        (len(digest.unconfirmed), "missing (unconfirmed)"),
        (len(d.tier_changed), "tier changed"),
        (len(d.renamed), "renamed"),
    ]
    return ", ".join(f"{n} {label}" for n, label in parts if n)


def change_message(
    digest: Digest, source: Source, watcher: str, notes: Mapping[str, Annotation], at: datetime
) -> Message:
    old, new = digest.old, digest.new
    return Message(
        watcher=watcher,
        event="changes",
        source_id=source.id,
        title=f"{source.id} membership: {_counts(digest)}",
        created_at=utc_text(at),
        headline=[
            f"{source.id} membership: {_counts(digest)}",
            f"snapshot {old.id} ({old.captured_at:%Y-%m-%d}, {old.member_count} members) → "
            f"snapshot {new.id} ({new.captured_at:%Y-%m-%d}, {new.member_count} members)",
        ],
        lines=change_lines(digest, notes),
        footer=[f"Full report: tracker diff --source {source.id} {old.id} {new.id}"],
        data=diff_payload(digest, notes),
    )


def diff_payload(digest: Digest, notes: Mapping[str, Annotation]) -> dict[str, Any]:
    """The `tracker diff --format json` document of the digest, plus unconfirmed absences."""
    report = DiffReport(
        old=Endpoint.of(digest.old),
        new=Endpoint.of(digest.new),
        diff=digest.diff,
        annotations=dict(notes),
    )
    data: dict[str, Any] = json.loads(render_json_report(report))
    if digest.unconfirmed:
        data["missing_unconfirmed"] = [c.model_dump() for c in digest.unconfirmed]
    return data


# Health -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Health:
    failures: int
    cause: str
    last_good: Snapshot | None


def failures_before(store: Store, source: Source, fetch_id: int) -> int:
    """Failed or quarantined fetches of the source's own URL in a row, before `fetch_id`.

    Only the configured URL counts: a file capture or a Wayback backfill says nothing
    about whether the site is up.
    """
    return store.failures_before(source.id, source.url, fetch_id)


def _age(since: datetime, at: datetime) -> str:
    seconds = max(0, int((at - since).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count > 1 else ''}"
    return f"{seconds} seconds"


def health_message(
    event: str, state: Health, source: Source, watcher: str, at: datetime
) -> Message:
    good = state.last_good
    last = (
        f"last good snapshot: {good.id}, captured {utc_text(good.captured_at)} "
        f"({_age(good.captured_at, at)} ago)"
        if good
        else "no good snapshot yet"
    )
    if event == "error":
        head = f"{source.id}: tracker failing: {state.failures} ticks in a row failed"
        lines = [f"latest cause: {state.cause}", last]
    else:
        head = f"{source.id}: tracker recovered after {state.failures} failed ticks"
        lines = [state.cause, last]
    return Message(
        watcher=watcher,
        event=event,
        source_id=source.id,
        title=head,
        created_at=utc_text(at),
        headline=[head, *lines],
        data={
            "event": event,
            "source": source.id,
            "failures": state.failures,
            "cause": state.cause,
            "last_good": None
            if good is None
            else {"id": good.id, "captured_at": utc_text(good.captured_at)},
            "at": utc_text(at),
        },
    )


def _reads_the_site(store: Store, source: Source, fetch_id: int) -> bool:
    """Whether this fetch was of the source's own URL, as `failures_before` counts them."""
    return store.fetch_url(fetch_id) == source.url


def _alerting(store: Store, watcher: str, source_id: str) -> bool:
    """Whether this watcher's last health message about the source was an error alert."""
    return store.last_health_event(watcher, source_id) == "error"


def health_event(
    store: Store, config: Config, watcher: WatcherConfig, outcome: CaptureOutcome
) -> tuple[str, Health] | None:
    """`error` once failures reach the threshold, `recovered` once after; else None."""
    source = config.source(outcome.source_id)
    if "error" not in watcher.events or not _reads_the_site(store, source, outcome.fetch_id):
        return None
    alerting = _alerting(store, watcher.name, source.id)
    last_good = store.latest(source.id, status="ok")
    if outcome.failed:
        failures = failures_before(store, source, outcome.fetch_id + 1)
        if alerting or failures < config.schedule.alert_after_failures:
            return None
        return "error", Health(failures, outcome.message, last_good)
    if not alerting:
        return None
    return "recovered", Health(
        failures_before(store, source, outcome.fetch_id), outcome.message, last_good
    )


# What a settle queues ------------------------------------------------------------------


def _subscribed(watcher: WatcherConfig, source_id: str) -> bool:
    return not watcher.sources or source_id in watcher.sources


def capture_messages(
    store: Store, config: Config, outcome: CaptureOutcome, at: datetime
) -> list[Queued]:
    """At most one message per watcher for this capture: a health message or a digest.

    An error or a quarantine never yields a membership message, and neither does a new
    page whose membership is unchanged (a restyle, a reorder, spelling noise), nor a
    reading of the past.
    """
    source = config.source(outcome.source_id)
    watchers = [w for w in config.watchers if _subscribed(w, source.id)]
    found = [m for w in watchers if (m := _health_for(store, config, w, outcome, at))]
    new = outcome.snapshot
    if outcome.failed or new is None or new.status != "ok" or not is_present(new.origin):
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
    notes = store.annotations_for(_keys(digest))
    found: list[Queued] = []
    for watcher in config.watchers:
        picked = filter_digest(digest, watcher) if _subscribed(watcher, source.id) else None
        if picked is not None:
            found.append(Queued(change_message(picked, source, watcher.name, notes, at), new.id))
    return found


def _health_for(
    store: Store, config: Config, watcher: WatcherConfig, outcome: CaptureOutcome, at: datetime
) -> Queued | None:
    found = health_event(store, config, watcher, outcome)
    if found is None:
        return None
    event, state = found
    message = health_message(event, state, config.source(outcome.source_id), watcher.name, at)
    # `skipped` records a state change its watcher did not ask to hear.
    status: OutboxStatus = "pending" if event in watcher.events else "skipped"
    return Queued(message, outcome.snapshot.id if outcome.snapshot else None, status)


def _keys(digest: Digest) -> set[str]:
    d = digest.diff
    keys = {c.key for c in [*d.joined, *d.departed, *digest.unconfirmed]}
    return keys | {c.key for c in d.tier_changed} | {c.new_key for c in d.renamed}


# Delivery -----------------------------------------------------------------------------


@dataclass
class Outlet:
    """A configured watcher ready to send, with the values its errors must not show."""

    config: WatcherConfig
    watcher: Watcher
    secrets: list[str]


def outlets(configs: Iterable[WatcherConfig], context: Context) -> dict[str, Outlet]:
    return {c.name: Outlet(c, build(c, context), secrets_of(c, context.env)) for c in configs}


@dataclass
class Delivered:
    """What one delivery pass did."""

    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    waiting: int = 0

    def summary(self) -> str:
        text = f"delivered {len(self.sent)}"
        if self.failed:
            text += f", {len(self.failed)} failed (will retry)"
        if self.waiting:
            text += f", {self.waiting} waiting"
        return text


def deliver(
    store: Store,
    targets: Mapping[str, Outlet],
    *,
    now: Callable[[], datetime],
    backoff: float,
    force: bool = False,
) -> Delivered:
    """Send pending outbox rows in order, per watcher; a failure holds back only its watcher.

    `force` ignores the backoff (for `tracker notify --retry`).
    """
    result = Delivered()
    held: set[str] = set()
    for row in store.pending():
        name = row.watcher
        outlet = targets.get(name)
        if outlet is None or name in held or (not force and row.next_attempt_at > now()):
            # Later messages wait for earlier ones: a feed or a log stays in order.
            held.add(name)
            result.waiting += 1
            continue
        error = send(outlet, row.message.model_copy(update={"delivery_id": row.id}))
        _record(store, row.id, row.attempts, error, now(), backoff)
        if error is None:
            result.sent.append(row.id)
        else:
            held.add(name)
            result.failed[row.id] = error
    return result


def send(outlet: Outlet, message: Message) -> str | None:
    """Send one message; the error text (scrubbed of secrets) when it failed."""
    try:
        outlet.watcher.send(message)
    except NotifyError as exc:
        return scrub(str(exc), outlet.secrets)
    except Exception as exc:  # noqa: BLE001 - a plugin's bug must not stop the other watchers
        return scrub(f"watcher {outlet.config.name}: {type(exc).__name__}: {exc}", outlet.secrets)
    return None


def _record(
    store: Store, row_id: int, attempts: int, error: str | None, at: datetime, backoff: float
) -> None:
    attempts += 1
    if error is None:
        store.mark_sent(row_id, attempts=attempts, at=at)
    else:
        wait = min(backoff * 2 ** (attempts - 1), 86400.0)
        retry_at = at + timedelta(seconds=wait)
        store.mark_failed(row_id, attempts=attempts, error=error, retry_at=retry_at)


# Listing ------------------------------------------------------------------------------


def watcher_rows(store: Store, configs: Iterable[WatcherConfig]) -> list[dict[str, Any]]:
    """Each watcher's state for `tracker watchers list`; targets redacted, never secrets."""
    rows = []
    for config in configs:
        record = store.watcher_record(config.name)
        rows.append(
            {
                "name": config.name,
                "kind": config.kind,
                "target": redacted_target(config),
                "events": ",".join(config.events),
                "last_delivery": record.last_delivery,
                "pending": record.pending,
                "failing": record.failing,
                "last_error": record.last_error,
            }
        )
    return rows


def send_sample(config: Config, name: str, context: Context, at: datetime) -> str:
    """Send `sample_message` to one watcher now; its redacted target, or NotifyError."""
    found = [w for w in config.watchers if w.name == name]
    if not found:
        known = ", ".join(w.name for w in config.watchers) or "none configured"
        raise ConfigError(f"no watcher {name!r} in {config.origin} (known: {known})")
    outlet = outlets(found, context)[name]
    error = send(outlet, sample_message(name, at))
    if error is not None:
        raise NotifyError(error)
    return redacted_target(outlet.config)


def sample_message(watcher: str, at: datetime) -> Message:
    """What `tracker watchers test` sends: clearly a test, with invented organisations."""
    return Message(
        watcher=watcher,
        event="test",
        source_id="test",
        title="aiia-tracker test message",
        created_at=utc_text(at),
        headline=["aiia-tracker test message: this watcher works", "1 joined, 1 departed"],
        lines=[
            "+ joined: 星河智能科技有限公司 (Xinghe Intelligent Technology) · board",
            "- departed: 青岚数据（北京）有限公司 · ordinary",
        ],
        data={"event": "test", "at": utc_text(at)},
    )
