"""The `outbox` table: watcher messages waiting to be delivered, and what became of them.

A message is queued in the transaction of the snapshot it tells about, so a crash loses
neither or both. ``status`` is ``pending`` (to send, at or after ``next_attempt_at``),
``sent`` (at ``sent_at``) or ``skipped`` (a health state change its watcher did not ask to
hear, kept so that the alert state survives restarts); ``attempts`` and ``last_error``
record failed sends. ``payload`` is the whole message as JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Literal

import msgspec

from tracker.core.records import json_text
from tracker.core.stamps import parse_utc, utc_text
from tracker.store.table import Described, Table

if TYPE_CHECKING:
    # Only queuing and delivery build messages; reading commands load no message model.
    from tracker.core.message import Message

SCHEMA = {
    1: """
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        watcher TEXT NOT NULL,
        source_id TEXT NOT NULL,
        event TEXT NOT NULL,
        snapshot_id INTEGER REFERENCES snapshots(id),
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT
    );
    CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
    """
}
DESCRIBED = {
    "outbox": Described(
        "Messages to watchers (Slack, e-mail, webhooks...), queued when a change is recorded "
        "and sent later.",
        {
            "id": "Message id.",
            "watcher": "Watcher it is for, as named in config.toml.",
            "source_id": "The source it tells about.",
            "event": "What it tells of.",
            "snapshot_id": "The snapshot it tells about.",
            "payload": "The message as JSON text.",
            "status": "pending, sent or skipped.",
            "attempts": "Sending attempts so far.",
            "next_attempt_at": "When it is next tried (UTC).",
            "last_error": "Why the last attempt failed.",
            "created_at": "When it was queued (UTC).",
            "sent_at": "When it was sent (UTC).",
        },
    ),
}
OutboxStatus = Literal["pending", "sent", "skipped"]


class Queued(msgspec.Struct, frozen=True):
    """A message to queue, the snapshot it tells about, and whether to send it."""

    message: Message
    snapshot_id: int | None
    status: OutboxStatus = "pending"


class Pending(msgspec.Struct, frozen=True):
    """A queued message not yet sent."""

    id: int
    watcher: str
    message: Message
    attempts: int
    next_attempt_at: datetime


class WatcherRecord(msgspec.Struct, frozen=True):
    """What the outbox knows of one watcher, for `tracker watchers list`."""

    last_delivery: str | None
    pending: int
    failing: int
    last_error: str | None


class Outbox(Table):
    def enqueue(self, queued: Iterable[Queued], at: datetime) -> list[int]:
        """Queue messages; call inside the transaction of what they tell about."""
        ids = []
        for item in queued:
            row = {
                "watcher": item.message.watcher,
                "source_id": item.message.source_id,
                "event": item.message.event,
                "snapshot_id": item.snapshot_id,
                "payload": json_text(item.message),
                "status": item.status,
                "attempts": 0,
                "next_attempt_at": utc_text(at),
                "created_at": utc_text(at),
            }
            ids.append(self._insert("outbox", row))
        return ids

    def pending(self) -> list[Pending]:
        """Every message still to send, in the order it was queued."""
        from tracker.core.message import Message

        rows = self.conn.execute(
            "SELECT id, watcher, payload, attempts, next_attempt_at FROM outbox "
            "WHERE status = 'pending' ORDER BY id"
        ).fetchall()
        return [
            Pending(row_id, name, Message.from_json(payload), attempts, parse_utc(due))
            for row_id, name, payload, attempts, due in rows
        ]

    def mark_sent(self, row_id: int, *, attempts: int, at: datetime) -> None:
        update = {
            "status": "sent",
            "attempts": attempts,
            "sent_at": utc_text(at),
            "last_error": None,
        }
        with self.db.atomic():
            self.db.table("outbox").update(row_id, update)

    def mark_failed(self, row_id: int, *, attempts: int, error: str, retry_at: datetime) -> None:
        update = {"attempts": attempts, "last_error": error, "next_attempt_at": utc_text(retry_at)}
        with self.db.atomic():
            self.db.table("outbox").update(row_id, update)

    def last_health_event(self, watcher: str, source_id: str) -> str | None:
        """The event (error, recovered) of the last health message for this watcher and source."""
        row = self.conn.execute(
            "SELECT event FROM outbox WHERE watcher = ? AND source_id = ? "
            "AND event IN ('error', 'recovered') ORDER BY id DESC LIMIT 1",
            [watcher, source_id],
        ).fetchone()
        return None if row is None else str(row[0])

    def watcher_record(self, watcher: str) -> WatcherRecord:
        stats = self.conn.execute(
            "SELECT MAX(sent_at), SUM(status = 'pending'), SUM(status = 'pending' AND attempts > 0) "
            "FROM outbox WHERE watcher = ?",
            [watcher],
        ).fetchone()
        error = self.conn.execute(
            "SELECT last_error FROM outbox WHERE watcher = ? AND last_error IS NOT NULL "
            "ORDER BY id DESC LIMIT 1",
            [watcher],
        ).fetchone()
        failing = stats[2] or 0
        return WatcherRecord(
            last_delivery=stats[0],
            pending=stats[1] or 0,
            failing=failing,
            last_error=error[0] if error and failing else None,
        )
