"""Peers for the interactive commands: a plain `sqlite3` + `json` script per command.

Each reads the same database and prints what the `tracker` command prints, the way someone
would write it by hand: the standard library only, one query or two, no checks, no notes,
no annotations inferred from names and no rename matching. They are the floor a command is
held to (within 1.5x), so they must stay plain: nothing from `tracker` is imported here.

    python -m bench.peers members DB       # members --at latest --format json
    python -m bench.peers members-table DB # members --at latest (a table)
    python -m bench.peers diff DB          # diff baseline latest
    python -m bench.peers history DB TEXT  # history TEXT (a name, or part of one)
    python -m bench.peers timeline DB
    python -m bench.peers stats DB
    python -m bench.peers snapshots DB
"""

from __future__ import annotations

import json
import sqlite3
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

LATEST = "SELECT id FROM snapshots WHERE status = 'ok' ORDER BY captured_at DESC, id DESC LIMIT 1"
BASELINE = (
    "SELECT id FROM snapshots WHERE status = 'ok' AND origin = 'baseline' "
    "ORDER BY captured_at DESC, id DESC LIMIT 1"
)
LISTINGS = "SELECT tier, tier_label, position, name, key FROM listings WHERE snapshot_id = ?"
# Annotations CSET published, as `members` shows them (its own inference adds more).
NOTES = (
    "SELECT key, origin AS annotation_origin, type, city, province, state_owned "
    "FROM annotations WHERE origin = 'cset-2020'"
)
TIERS = ("vice_chair", "board", "ordinary")


def members(db: sqlite3.Connection) -> str:
    (latest,) = db.execute(LATEST).fetchone()
    notes = {row["key"]: row for row in db.execute(NOTES)}
    lines = []
    for listing in db.execute(LISTINGS + " ORDER BY rowid", (latest,)):
        row = dict(listing)
        note = notes.get(row["key"])
        if note is not None:
            row |= {k: v for k, v in dict(note).items() if k != "key" and v is not None}
            row["state_owned"] = bool(row["state_owned"])
        lines.append("  " + json.dumps(row, ensure_ascii=False))
    return "[\n" + ",\n".join(lines) + "\n]\n"


def members_table(db: sqlite3.Connection) -> str:
    (latest,) = db.execute(LATEST).fetchone()
    notes = {row["key"]: row for row in db.execute(NOTES)}
    rows = []
    for listing in db.execute(LISTINGS + " ORDER BY rowid", (latest,)):
        note = notes.get(listing["key"])
        rows.append(
            [listing["tier"], str(listing["position"]), listing["name"], listing["tier_label"]]
            + [*_noted(note), _owned(note)]
        )
    columns = ["tier", "position", "name", "tier_label", "type", "city", "state_owned"]
    return table(rows, columns) + "\n"


def diff(db: sqlite3.Connection) -> str:
    ids = [db.execute(query).fetchone()[0] for query in (BASELINE, LATEST)]
    old, new = ({row["key"]: row for row in db.execute(LISTINGS, (i,))} for i in ids)
    notes = {row["key"]: row for row in db.execute(NOTES)}
    joined = [new[k] for k in new.keys() - old.keys()]
    departed = [old[k] for k in old.keys() - new.keys()]
    moved = [new[k] for k in new.keys() & old.keys() if new[k]["tier"] != old[k]["tier"]]
    out = [f"snapshot {ids[0]} → {ids[1]}: +{len(joined)} joined, -{len(departed)} departed"]
    for title, rows in (("Joined", joined), ("Departed", departed), ("Tier changes", moved)):
        if rows:
            rows = sorted(rows, key=lambda r: (TIERS.index(r["tier"]), r["name"]))
            cells = [[r["tier"], r["name"], *_noted(notes.get(r["key"]))] for r in rows]
            out += ["", f"{title} ({len(rows)})", table(cells, ["tier", "name", "type", "city"])]
    return "\n".join(out) + "\n"


def _noted(note: sqlite3.Row | None) -> list[str]:
    return ["", ""] if note is None else [note["type"] or "", note["city"] or ""]


def _owned(note: sqlite3.Row | None) -> str:
    if note is None or note["state_owned"] is None:
        return ""
    return "yes" if note["state_owned"] else "no"


def history(db: sqlite3.Connection, text: str) -> str:
    part = unicodedata.normalize("NFKC", text).casefold()
    keys = [
        k
        for (k,) in db.execute("SELECT DISTINCT key FROM member_names WHERE instr(key, ?)", (part,))
    ]
    if part in keys:
        keys = [part]  # a whole name: the member it names, not those containing it
    if len(keys) != 1:
        raise SystemExit(f"{len(keys)} members match {text!r}")
    seen = db.execute(
        "SELECT s.id, s.captured_at, l.tier, l.name FROM listings l "
        "JOIN snapshots s ON s.id = l.snapshot_id "
        "WHERE l.key = ? AND s.status = 'ok' ORDER BY s.captured_at, s.id",
        keys,
    ).fetchall()
    every = [
        i
        for (i,) in db.execute(
            "SELECT id FROM snapshots WHERE status = 'ok' ORDER BY captured_at, id"
        )
    ]
    listed = {row[0]: row for row in seen}
    events: list[list[str]] = []
    before = None
    for snapshot_id in every:
        row = listed.get(snapshot_id)
        if row is not None and before is None:
            events.append([*map(str, row), "first_seen" if not events else "rejoined"])
        elif row is not None and before is not None and row[2] != before[2]:
            events.append([*map(str, row), "tier_changed"])
        elif row is None and before is not None:
            events.append([str(snapshot_id), "", before[2], before[3], "departed"])
        before = row
    head = f"{seen[-1][3]}  (key {keys[0]})\nfirst seen: snapshot {seen[0][0]}  {seen[0][1]}\n"
    return head + "\n" + table(events, ["snapshot_id", "at", "tier", "name", "event"]) + "\n"


def timeline(db: sqlite3.Connection) -> str:
    rows = []
    for row in db.execute(
        "SELECT id, captured_at, origin, counts, member_count, listing_count FROM snapshots "
        "WHERE status = 'ok' ORDER BY captured_at, id"
    ):
        counts = json.loads(row["counts"])
        rows.append(
            [*map(str, row[:3]), *(str(counts.get(t, 0)) for t in TIERS), *map(str, row[4:])]
        )
    columns = ["id", "captured_at", "origin", *TIERS, "members", "listings"]
    return table(rows, columns) + "\n"


def stats(db: sqlite3.Connection) -> str:
    (latest,) = db.execute(LATEST).fetchone()
    counted = db.execute(
        "SELECT tier, count(DISTINCT key), count(*) FROM listings WHERE snapshot_id = ? GROUP BY tier",
        (latest,),
    ).fetchall()
    rows = sorted(([str(v) for v in row] for row in counted), key=lambda r: TIERS.index(r[0]))
    total = [str(sum(row[i] for row in counted)) for i in (1, 2)]
    return table([*rows, ["total", *total]], ["tier", "members", "listings"]) + "\n"


def snapshots(db: sqlite3.Connection) -> str:
    columns = [
        "id",
        "captured_at",
        "origin",
        "status",
        "parser_version",
        "member_count",
        "listing_count",
        "page_sha256",
    ]
    query = f"SELECT {', '.join(columns)} FROM snapshots ORDER BY captured_at, id"
    rows = [[str(v) for v in row] for row in db.execute(query)]
    return table([[*row[:-1], row[-1][:12]] for row in rows], columns) + "\n"


def table(rows: Sequence[Sequence[str]], columns: Sequence[str] | None = None) -> str:
    """Columns aligned by display width (a Chinese character takes two cells)."""
    lines = [list(columns), *rows] if columns else list(rows)
    widths = [max(_width(line[i]) for line in lines) for i in range(len(lines[0]))]
    if columns:
        lines.insert(1, ["-" * w for w in widths])
    return "\n".join(
        "  ".join(
            cell + " " * (w - _width(cell)) for cell, w in zip(line, widths, strict=True)
        ).rstrip()
        for line in lines
    )


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


COMMANDS: dict[str, Callable[..., str]] = {
    "members": members,
    "members-table": members_table,
    "diff": diff,
    "history": history,
    "timeline": timeline,
    "stats": stats,
    "snapshots": snapshots,
}


def main(argv: Sequence[str]) -> None:
    command, path, *args = argv
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    answer: Any = COMMANDS[command](db, *args)
    sys.stdout.write(answer)


if __name__ == "__main__":
    main(sys.argv[1:])
