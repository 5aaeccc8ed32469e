"""The text of watcher messages: change digests, health alerts and the test message. Pure.

A message has a headline (counts and the snapshots compared), one line per member, and the
full record as `data`: for a digest, the `tracker diff --format json` document of the same
two snapshots, so a webhook receiver and a person at the terminal see the same facts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from tracker.core.annotations import Annotation
from tracker.core.departures import Digest
from tracker.core.diff import Change, Departed, Joined, Rename, TierChange
from tracker.core.health import Health, HealthEvent
from tracker.core.kinds import WATCHED_KINDS
from tracker.core.message import Message
from tracker.core.models import tier_name
from tracker.core.records import as_dict
from tracker.core.stamps import utc_text
from tracker.render.report import DiffReport, Endpoint, Generated, render_json_report

Notes = Mapping[str, Annotation]


def _english(notes: Notes, key: str) -> str:
    """ " (English name)", and the former name it was annotated as when a rename carried it."""
    note = notes.get(key)
    if note is None:
        return ""
    carried = f"annotated as {note.annotated_as}" if note.annotated_as else None
    shown = [part for part in (note.common_name_en or note.name_en_mt, carried) if part]
    return f" ({'; '.join(shown)})" if shown else ""


def _joined(c: Joined, notes: Notes) -> str:
    return f"+ joined: {c.name}{_english(notes, c.key)} · {tier_name(c.tier)}"


def _departed(c: Departed, notes: Notes) -> str:
    return f"- departed: {c.name}{_english(notes, c.key)} · {tier_name(c.tier)}"


def _missing(c: Departed, notes: Notes) -> str:
    return f"? missing (unconfirmed): {c.name}{_english(notes, c.key)} · {tier_name(c.tier)}"


def _tier_changed(c: TierChange, notes: Notes) -> str:
    arrow = "↑" if c.direction == "promotion" else "↓"
    moved = f"{tier_name(c.old_tier)} → {tier_name(c.new_tier)}"
    return f"{arrow} {c.direction}: {c.name}{_english(notes, c.key)} · {moved}"


def _renamed(c: Rename, notes: Notes) -> str:
    return f"~ renamed: {c.old_name} → {c.new_name}{_english(notes, c.new_key)} · {tier_name(c.new_tier)}"


# One line per change, by section; a kind without its own line shows its event and names.
_LINES: dict[str, Callable[[Any, Notes], str]] = {
    "joined": _joined,
    "departed": _departed,
    "tier_changed": _tier_changed,
    "renamed": _renamed,
}


def _line(section: str, event: str, change: Change, notes: Notes) -> str:
    shown = _LINES.get(section)
    if shown is not None:
        return shown(change, notes)
    return f"{event}: {' → '.join(name for _, name in change.names())}"


def change_lines(digest: Digest, notes: Notes) -> list[str]:
    """One line per member: what happened, the name, its English name when known, the tier.

    Unconfirmed absences follow the departures they may become.
    """
    lines: list[str] = []
    for kind in WATCHED_KINDS:
        lines += [_line(kind.section, kind.event, c, notes) for c in digest.diff.changes(kind)]
        if kind.section == "departed":
            lines += [_missing(c, notes) for c in digest.unconfirmed]
    return lines


def _counts(digest: Digest) -> str:
    parts: list[tuple[int, str]] = []
    for kind in WATCHED_KINDS:
        parts.append((len(digest.diff.changes(kind)), kind.counted))
        if kind.section == "departed":
            parts.append((len(digest.unconfirmed), "missing (unconfirmed)"))
    return ", ".join(f"{n} {label}" for n, label in parts if n)


def change_message(
    digest: Digest, source_id: str, watcher: str, notes: Notes, at: datetime
) -> Message:
    old, new = digest.old, digest.new
    return Message(
        watcher=watcher,
        event="changes",
        source_id=source_id,
        title=f"{source_id} membership: {_counts(digest)}",
        created_at=utc_text(at),
        headline=[
            f"{source_id} membership: {_counts(digest)}",
            f"snapshot {old.id} ({old.captured_at:%Y-%m-%d}, {old.member_count} members) → "
            f"snapshot {new.id} ({new.captured_at:%Y-%m-%d}, {new.member_count} members)",
        ],
        lines=change_lines(digest, notes),
        footer=[f"Full report: tracker diff --source {source_id} {old.id} {new.id}"],
        data=diff_payload(digest, notes, at),
    )


def diff_payload(digest: Digest, notes: Notes, at: datetime) -> dict[str, Any]:
    """The `tracker diff --format json` document of the digest, plus unconfirmed absences."""
    report = DiffReport(
        old=Endpoint.of(digest.old),
        new=Endpoint.of(digest.new),
        diff=digest.diff,
        annotations=dict(notes),
    )
    data: dict[str, Any] = json.loads(render_json_report(report, Generated.now(at)))
    if digest.unconfirmed:
        data["missing_unconfirmed"] = [as_dict(c) for c in digest.unconfirmed]
    return data


def _age(since: datetime, at: datetime) -> str:
    seconds = max(0, int((at - since).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count > 1 else ''}"
    return f"{seconds} seconds"


def health_message(
    event: HealthEvent, state: Health, source_id: str, watcher: str, at: datetime
) -> Message:
    good = state.last_good
    last = (
        f"last good snapshot: {good.id}, captured {utc_text(good.captured_at)} "
        f"({_age(good.captured_at, at)} ago)"
        if good
        else "no good snapshot yet"
    )
    if event == "error":
        head = f"{source_id}: tracker failing: {state.failures} ticks in a row failed"
        lines = [f"latest cause: {state.cause}", last]
    else:
        head = f"{source_id}: tracker recovered after {state.failures} failed ticks"
        lines = [state.cause, last]
    return Message(
        watcher=watcher,
        event=event,
        source_id=source_id,
        title=head,
        created_at=utc_text(at),
        headline=[head, *lines],
        data={
            "event": event,
            "source": source_id,
            "failures": state.failures,
            "cause": state.cause,
            "last_good": None
            if good is None
            else {"id": good.id, "captured_at": utc_text(good.captured_at)},
            "at": utc_text(at),
        },
    )


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
