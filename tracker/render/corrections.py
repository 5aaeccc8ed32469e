"""`tracker reparse` output and its one summary message: what re-reading the archive corrected.

Pure. Per snapshot that reads differently: its old and new counts per tier, the members that
appear, disappear or move tier, and what the guard makes of the new reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tracker.core.corrections import Reparse, Reread
from tracker.core.message import Message
from tracker.core.models import tier_name
from tracker.core.stamps import utc_text


def reparse_text(done: Reparse) -> str:
    """Every correction, then one line saying how many snapshots read differently."""
    lines = [line for reread in done.rereads for line in reread_lines(reread, done.dry_run)]
    lines += [f"snapshot {s.id} could not be re-read: {why}" for s, why in done.unreadable]
    lines += [
        f"warning: snapshot {s.id} ({utc_text(s.captured_at)}), the last believed reading "
        "before --since, reads differently by the current parser and was left as it "
        "was: a diff across --since compares two parsers' readings; run `tracker reparse` "
        "without --since to correct it too"
        for s in done.boundary
    ]
    lines.append(summary(done))
    return "\n".join(lines) + "\n"


def reread_lines(reread: Reread, dry_run: bool) -> list[str]:
    old, fix = reread.old, reread.correction
    lines = [
        f"snapshot {old.id}  {utc_text(old.captured_at)}  {old.origin}, {old.status}, "
        f"read by parser {old.parser_version}"
    ]
    for tier in fix.tiers():
        before, after = fix.old_counts.get(tier, 0), fix.new_counts.get(tier, 0)
        mark = "" if before == after else f" ({after - before:+d})"
        lines.append(f"  {tier_name(tier)}: {before} → {after}{mark}")
    lines += [f"  + {name}" for name in fix.appeared]
    lines += [f"  - {name}" for name in fix.disappeared]
    lines += [f"  ~ {name}" for name in fix.moved]
    lines.append(f"  {_verdict(reread, dry_run)}")
    return lines


def _verdict(reread: Reread, dry_run: bool) -> str:
    judged = f"quarantined: {'; '.join(reread.reasons)}" if reread.reasons else "ok"
    if reread.accepted_at is not None:
        day = reread.accepted_at.date().isoformat()
        judged = (
            f"{judged} (accepted on {day}, but this reading has problems of its own)"
            if reread.reasons
            else f"ok (accepted on {day}; kept ok)"
        )
    if dry_run or reread.new is None:
        return f"would be stored as a new version, {judged}"
    return f"now snapshot {reread.new.id}, {judged}; snapshot {reread.old.id} is superseded"


def summary(done: Reparse) -> str:
    """ "N of M snapshots read differently", and what was done about it."""
    verb = "would read" if done.dry_run else "read"
    head = f"{len(done.rereads)} of {done.examined} snapshots {verb} differently"
    parts = [head]
    kept = sum(1 for r in done.rereads if r.accepted_at is not None and not r.reasons)
    if kept:
        parts.append(f"{kept} accepted earlier by a person, kept ok")
    held = sum(1 for r in done.rereads if r.reasons)
    if held:
        would = "would be " if done.dry_run else ""
        parts.append(f"{held} {would}quarantined (see `tracker snapshots`)")
    if done.baselines:
        parts.append(f"{done.baselines} baseline(s) skipped (CSET's CSV, not a page)")
    if done.unreadable:
        parts.append(f"{len(done.unreadable)} could not be re-read and were left as they are")
    if done.dry_run:
        parts.append("dry run: nothing was written")
    elif not done.rereads:
        parts.append("nothing changed")
    else:
        events = ", ".join(f"{source} {n} events" for source, n in done.events.items())
        parts.append(f"change log updated ({events})")
        if done.queued:
            parts.append(f"{done.queued} summary message(s) queued")
    return "; ".join(parts)


def reparse_message(
    rereads: Sequence[Reread], source_id: str, watcher: str, parser_version: str, at: datetime
) -> Message:
    """One message telling a watcher what re-reading the archive corrected (not news)."""
    head = (
        f"{source_id}: {len(rereads)} archived snapshot(s) re-read by parser {parser_version}; "
        "history corrected"
    )
    return Message(
        watcher=watcher,
        event="reparse",
        source_id=source_id,
        title=head,
        created_at=utc_text(at),
        headline=[head, "These are corrections of past readings, not membership changes."],
        lines=[line for reread in rereads for line in reread_lines(reread, dry_run=False)],
        footer=[f"Full record: tracker snapshots --source {source_id}"],
        data={
            "event": "reparse",
            "source": source_id,
            "parser_version": parser_version,
            "snapshots": [_record(reread) for reread in rereads],
        },
    )


def _record(reread: Reread) -> dict[str, Any]:
    fix = reread.correction
    return {
        "superseded": reread.old.id,
        "successor": reread.new.id if reread.new else None,
        "captured_at": utc_text(reread.old.captured_at),
        "old_parser_version": reread.old.parser_version,
        "status": reread.status,
        "reasons": reread.reasons,
        "accepted_at": utc_text(reread.accepted_at) if reread.accepted_at else None,
        "old_counts": fix.old_counts,
        "new_counts": fix.new_counts,
        "appeared": fix.appeared,
        "disappeared": fix.disappeared,
        "moved": fix.moved,
    }
