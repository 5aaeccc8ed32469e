"""A message for one watcher: short text for people, the full record for machines.

Built by `tracker.render.messages`, queued in the outbox, sent by `tracker.net.watchers`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class Message:
    """One digest for one watcher: short text for people, the full record as `data`."""

    watcher: str
    event: str
    source_id: str
    title: str
    created_at: str
    # Always shown: counts and the snapshots compared.
    headline: list[str] = field(default_factory=list)
    # One line per member; cut to the channel's limit with "and N more".
    lines: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    # The diff JSON (`tracker diff --format json`) or the health record.
    data: dict[str, Any] = field(default_factory=dict)
    # The outbox row id: lets receivers drop the duplicates at-least-once delivery allows.
    delivery_id: int | None = None

    @classmethod
    def from_json(cls, text: str) -> Message:
        """A message back from the outbox, where `records.json_text` wrote it. Keys it
        does not know are left out, as the pydantic model this replaced did."""
        data = json.loads(text)
        return cls(**{name: data[name] for name in _FIELDS if name in data})

    def text(self, limit: int | None = None) -> str:
        return fit_text(self.headline, self.lines, self.footer, limit)

    def record(self) -> dict[str, Any]:
        """The machine-readable form: the data plus who it was for and why."""
        return {**self.data, "watcher": self.watcher, "event": self.event, "id": self.delivery_id}


_FIELDS = tuple(f.name for f in fields(Message))


def fit_text(head: list[str], lines: list[str], tail: list[str], limit: int | None) -> str:
    """Head and tail always; as many lines as fit within `limit` characters; then "and N more"."""
    whole = "\n".join([*head, *lines, *tail])
    if limit is None or len(whole) <= limit:
        return whole
    # What is left for lines once head, tail and the longest "and N more" line are placed.
    budget = limit - len("\n".join([*head, *tail])) - len(_more(len(lines))) - 1
    kept: list[str] = []
    for line in lines:
        budget -= len(line) + 1
        if budget < 0:
            break
        kept.append(line)
    dropped = len(lines) - len(kept)
    shown = [*head, *kept, *([_more(dropped)] if dropped else []), *tail]
    return "\n".join(shown)[:limit]


def _more(count: int) -> str:
    return f"… and {count} more"
