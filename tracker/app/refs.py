"""What a snapshot reference names: an id, `latest`, `previous`, `baseline` or a UTC date.

Names and dates only ever pick ok snapshots; a quarantined one is reachable by its id alone.
A superseded one (a reading `tracker reparse` corrected) is too, with a note naming the
version that corrected it: what it says is what an older parser read.
A name or date that picks a snapshot not captured on the day asked for, or that passes over
captures which are not ok, says so in a note: a diff that quietly fell back two years is a
report nobody should cite.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import msgspec

from tracker.core.errors import StoreError
from tracker.core.models import Origin, Snapshot
from tracker.core.stamps import ascii_digits
from tracker.store import Store

# Skipped captures named one by one in a note; more are counted.
NAMED = 3

# SQLite's largest integer: no id lies beyond it, and asking for one would overflow.
MAX_ID = 2**63 - 1


def snapshot_id(text: str) -> int | None:
    """The id a reference spells in ASCII digits, or None when it spells none.

    `str.isdigit` accepts `²` and `١` (Arabic-Indic one), which `int` would turn into 1:
    a reference must be what it looks like. StoreError when the id is beyond SQLite's range.
    """
    text = text.strip()
    if not ascii_digits(text):
        return None
    number = int(text)
    if number > MAX_ID:
        raise StoreError(f"no snapshot {text}: ids run from 1 to {MAX_ID}")
    return number


class Resolved(msgspec.Struct, frozen=True):
    """The snapshot a reference names, and why, when that is not what it seems to say."""

    ref: str
    snapshot: Snapshot
    # One line (without "Note: "), or None for an id or a capture of the very day asked for.
    note: str | None = None


class _Rule(msgspec.Struct, frozen=True):
    """What a name or date picks: the newest ok candidate (`back` places before it)."""

    why: str
    day: date | None = None
    origin: Origin | None = None
    back: int = 0

    @property
    def until(self) -> datetime | None:
        """The end of the day asked for (UTC): no capture after it is a candidate."""
        if self.day is None or self.day == date.max:
            return None  # the last day there is: every capture is on or before it
        return datetime(self.day.year, self.day.month, self.day.day, tzinfo=UTC) + timedelta(days=1)

    def candidate(self, snapshot: Snapshot) -> bool:
        if self.origin is not None and snapshot.origin != self.origin:
            return False
        return self.until is None or snapshot.captured_at < self.until


def resolve(store: Store, ref: str, source_id: str) -> Resolved:
    """The snapshot `ref` names (with a note when it needs one), or StoreError listing the nearest."""
    text = ref.strip().lower()
    number = snapshot_id(text)
    if number is not None:
        snapshot = store.snapshot(number)
        if snapshot.source_id != source_id:
            raise StoreError(f"snapshot {text} belongs to source {snapshot.source_id!r}")
        return Resolved(ref, snapshot, _superseded_note(snapshot))
    rule = _rule(text)
    # Read down the time index: the one snapshot named, and the captures after it.
    picked = store.newest(source_id, origin=rule.origin, before=rule.until, back=rule.back)
    if picked is None:
        ok = store.snapshots(source_id, status="ok")
        raise StoreError(f"no ok snapshot of {source_id!r} matches {ref!r}; {_nearest(text, ok)}")
    later = store.snapshots_after(picked, origin=rule.origin)
    return Resolved(ref, picked, _note(ref.strip(), picked, rule, later))


def _superseded_note(snapshot: Snapshot) -> str | None:
    if snapshot.status != "superseded":
        return None
    return (
        f"snapshot {snapshot.id} is superseded by snapshot {snapshot.superseded_by}: "
        f"it is what parser {snapshot.parser_version} read, since corrected by `tracker reparse`"
    )


def _rule(ref: str) -> _Rule:
    if ref == "latest":
        return _Rule("the latest ok snapshot")
    if ref == "previous":
        return _Rule("the ok snapshot before latest", back=1)
    if ref == "baseline":
        return _Rule("the latest ok baseline", origin="baseline")
    try:
        if not ref.isascii():
            raise ValueError(ref)  # a date is written in ASCII digits, as ids are
        day = date.fromisoformat(ref)
    except ValueError:
        raise StoreError(
            f"bad snapshot reference {ref!r}: use an id, latest, previous, baseline "
            "or a date YYYY-MM-DD"
        ) from None
    return _Rule("the latest ok snapshot on or before that day", day=day)


def _note(ref: str, picked: Snapshot, rule: _Rule, later: Iterable[Snapshot]) -> str | None:
    """Why `ref` names `picked`, when it is another day's capture or passed over bad ones."""
    skipped = _skipped(rule, later)
    other_day = rule.day is not None and picked.captured_at.date() != rule.day
    if not skipped and not other_day:
        return None
    reasons = [rule.why, *(_skipped_text(skipped) if skipped else [])]
    if other_day and not skipped:
        reasons.append(f"nothing was captured on {rule.day}")
    return f"{ref} → {_named(picked)} ({'; '.join(reasons)})"


def _skipped(rule: _Rule, later: Iterable[Snapshot]) -> list[Snapshot]:
    """The captures (of the rule's origin) after the one picked that the reference would
    have named, had they been ok."""
    found: list[Snapshot] = []
    for snapshot in later:
        if snapshot.status == "ok" or not rule.candidate(snapshot):
            break  # what lies beyond was never this reference's to pick
        found.append(snapshot)
    return found


def _skipped_text(skipped: list[Snapshot]) -> list[str]:
    """The newest skipped capture with its reason; the others by id."""
    last = skipped[-1]
    reason = f": {last.reason}" if last.reason else ""
    parts = [f"{_named(last)} is {last.status}{reason}"]
    others = skipped[-1 - NAMED : -1][::-1]
    if others:
        more = len(skipped) - 1 - len(others)
        listed = ", ".join(f"{s.id} ({s.status})" for s in others)
        parts.append(f"also passed over snapshots {listed}" + (f" and {more} more" if more else ""))
    return parts


def _named(snapshot: Snapshot) -> str:
    return f"snapshot {snapshot.id} of {snapshot.captured_at:%Y-%m-%d}"


def _nearest(ref: str, ok: list[Snapshot]) -> str:
    if not ok:
        return "there are no ok snapshots yet (run `tracker snapshot` or `tracker baseline import`)"
    try:
        day = datetime.fromisoformat(ref).replace(tzinfo=UTC)
    except ValueError:
        day = ok[-1].captured_at
    shown = sorted(ok, key=lambda s: abs(s.captured_at - day))[:3]
    listed = ", ".join(
        f"{s.id} ({s.captured_at:%Y-%m-%d}, {s.origin})"
        for s in sorted(shown, key=lambda s: (s.captured_at, s.id))
    )
    return f"nearest: {listed}"
