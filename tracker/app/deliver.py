"""Delivering the outbox: each due message to its watcher, in order, with backoff on failure.

Delivery reads the pending rows, sends them and records the result; a failed send waits
with exponential backoff (doubled per attempt, capped at a day) while the other watchers
carry on, and later messages to the failing watcher wait behind it so that a feed or a
log stays in order. Error texts are scrubbed of secrets before anyone sees them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from tracker.core.config import DAY, Config
from tracker.core.config import Watcher as WatcherConfig
from tracker.core.errors import ConfigError, NotifyError
from tracker.core.message import Message
from tracker.net.watchers import Context, Watcher, build, redacted_target, scrub, secrets_of
from tracker.render.messages import sample_message
from tracker.store import Store


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
        error = send(outlet, replace(row.message, delivery_id=row.id))
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
        wait = min(backoff * 2 ** (attempts - 1), float(DAY))
        retry_at = at + timedelta(seconds=wait)
        store.mark_failed(row_id, attempts=attempts, error=error, retry_at=retry_at)


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
