"""Rows for the commands that show annotated members (`members`, `stats`, `stats
--over-time`, `history`): records in, table rows and documents out. Pure;
`tracker.render.table` lays the rows out, `tracker.render.snapshots` the rows that need no
annotation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tracker.core.annotations import (
    SOURCE_COLUMNS,
    Annotation,
    additions,
    annotated,
    beyond_lists,
    shown_sources,
)
from tracker.core.composition import EVERY_TEXT, Composition, Point, percent, records
from tracker.core.fields import (
    CARRIED_FIELD,
    FLAG_FIELDS,
    SHOWN_FIELDS,
)
from tracker.core.jsontext import render_joined, render_json
from tracker.core.models import Listing, Snapshot, tier_name
from tracker.core.records import as_dict, as_dicts
from tracker.core.stamps import utc_text
from tracker.core.stats import TOTAL, Stats, stats_rows
from tracker.render.snapshots import describe
from tracker.render.table import render_rows

if TYPE_CHECKING:
    # `history` has imported it (with the diff it reads events by); `members` and `stats`
    # need neither.
    from tracker.core.history import Timeline

MEMBER_COLUMNS = ["tier", "position", "name", "tier_label", "key", *SHOWN_FIELDS, CARRIED_FIELD]
HISTORY_COLUMNS = ["snapshot_id", "at", "event", "tier", "name", "detail"]


# Beside an inferred value in a table, and the footnote saying so under it.
INFERRED_MARK = "*"
INFERRED_FOOTNOTE = f"{INFERRED_MARK} inferred from the name"


def members_text(
    listings: Sequence[Listing],
    notes: Mapping[str, Annotation],
    fmt: str,
    width: int | None = None,
) -> str:
    """`tracker members`: listings in page order with their annotations (every fact in JSON);
    `annotated_as` names the former name an annotation was carried from.

    Where values are the user's or inferred, not an annotated list's (CSET's): JSON gives
    each value's origin (`<field>_source`) in every row, as `diff` does, CSV a
    `<field>_source` column per shown field, and a table marks inferred values with a
    footnote."""
    found = [notes.get(listing.key) for listing in listings]
    sourced = beyond_lists(found)
    if fmt == "json":
        added = additions(found, full=True, sourced=sourced)
        joined = render_joined(listings, added)
        if joined is not None:
            return joined
    if fmt == "table":
        rows, marked = _marked_rows(listings, found)
    else:
        rows = annotated(as_dicts(listings), found, full=fmt == "json", sourced=sourced)
        marked = False
    columns = _member_columns(listings, rows, fmt)
    if fmt == "csv" and sourced:
        for row, note in zip(rows, found, strict=True):
            row |= shown_sources(note)
        columns = [*columns, *SOURCE_COLUMNS]
    if not marked:
        return render_rows(rows, columns, fmt, width=width)
    return f"{render_rows(rows, columns, fmt, width=width)}{INFERRED_FOOTNOTE}\n"


def _marked_rows(
    listings: Sequence[Listing], found: Sequence[Annotation | None]
) -> tuple[list[dict[str, Any]], bool]:
    """Table rows of `listings` with their notes `found`, inferred values marked; whether
    any was. Notes alike but for their key and name share one addition (`additions`), so
    it is marked once: 5,800 of 6,000 notes are guesses of a few types and places."""
    added = additions(found)
    marked: dict[int, dict[str, Any]] = {}
    some = False
    for more, note in zip(added, found, strict=True):
        if id(more) not in marked:
            inferred = note.inferred(SHOWN_FIELDS) if note else []
            marked[id(more)] = more | {f: f"{more[f]}{INFERRED_MARK}" for f in inferred}
            some = some or bool(inferred)
    rows = [row | marked[id(more)] for row, more in zip(as_dicts(listings), added, strict=True)]
    return rows, some


def explain_text(listings: Sequence[Listing], notes: Mapping[str, Annotation]) -> str:
    """`tracker members --explain-annotations`: per listing, each annotated value and who
    gave it (user, cset-2020, inferred), and the former name a carried one was made for."""
    blocks = []
    for listing in listings:
        note = notes.get(listing.key)
        lines = [f"{listing.tier} {listing.position}  {listing.name}"]
        lines += explained(note) if note else ["  (no annotation)"]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _explained_lines(note: Annotation | None) -> str:
    return "".join(f"{line}\n" for line in explained(note)) if note else "  (no annotation)\n"


def explained(note: Annotation) -> list[str]:
    """Each of `note`'s values, one line each, with its origin."""
    values = note.described()
    width = max(map(len, values), default=0)
    carried = f", annotated as {note.annotated_as}" if note.annotated_as else ""
    return [
        f"  {field:<{width}}  {note.flag_text(field) if field in FLAG_FIELDS else value}  "
        f"({note.source_of(field)}{carried})"
        for field, value in values.items()
    ] or ["  (no values)"]


def _member_columns(
    listings: Sequence[Listing], rows: Sequence[dict[str, Any]], fmt: str
) -> list[str]:
    """Every column, but a table leaves out keys that only repeat the names they come from,
    and names a former name only when some row's annotation was carried from one (CSV keeps
    one set of columns)."""
    if fmt != "table":
        return MEMBER_COLUMNS
    # Here: compiling its expressions is 18 M instructions JSON and CSV need not spend.
    from tracker.core.normalize import normalize_key

    dropped = {CARRIED_FIELD} if not any(row.get(CARRIED_FIELD) for row in rows) else set()
    if all(item.key == normalize_key(item.name) for item in listings):
        dropped.add("key")
    return [c for c in MEMBER_COLUMNS if c not in dropped]


def stats_text(
    snapshot: Snapshot,
    table: Stats,
    fmt: str,
    width: int | None = None,
    inferred: Mapping[str, int] | None = None,
) -> str:
    """`tracker stats`: the cross-tabulation, captioned by its snapshot in tables.

    `inferred`: value -> members counted under it by a value guessed from their name. JSON
    has it whole, CSV as a column, a table as a footnote; none of it for `--by tier`."""
    guessed: dict[str, int] = dict(inferred or {})
    some = sum(guessed.values())
    if fmt == "json":
        where = {"id": snapshot.id, "source_id": snapshot.source_id, "origin": snapshot.origin}
        where |= {"status": snapshot.status, "reason": snapshot.reason}
        when = {"captured_at": utc_text(snapshot.captured_at)}
        counted = {"inferred": guessed} if table.by != "tier" else {}
        return render_json({"snapshot": where | when, **as_dict(table), **counted})
    rows, columns = stats_rows(table, detail=fmt == "csv")
    if fmt == "csv" and table.by != "tier":
        for row in rows:
            value = row[table.by]
            row["inferred"] = some if value == TOTAL else guessed.get(value, 0)
        columns = [*columns, "inferred"]
    caption = f"{describe(snapshot)}\n" if fmt == "table" else ""
    text = caption + render_rows(rows, columns, fmt, width=width)
    if fmt == "table" and some:
        counts = ", ".join(f"{value} {count}" for value, count in guessed.items() if count)
        text += (
            f"inferred: {some} of {table.total.members} members are counted "
            f"by a {table.by} guessed from their name, not annotated ({counts})\n"
        )
    return text


POINT_COLUMNS = ["point", "snapshot_id", "captured_at", "origin", "members", "inferred"]


def over_time_text(found: Composition, fmt: str, width: int | None = None) -> str:
    """`tracker stats --over-time`: JSON and CSV give one record per point and value (and
    the point's total); a table lists the points, then one column per point: all members,
    then each tier's (not for `--by tier`, where each tier is all of itself)."""
    flat = [
        {"point": each.label, **_point_head(each, full=False), **record}
        for each in found.points
        for record in records(each, found.values, found.tiers)
    ]
    if fmt == "json":
        heads = [{"point": each.label, **_point_head(each)} for each in found.points]
        head = {"by": found.by, "every": found.every, "tiers": found.tiers}
        return render_json(head | {"points": heads, "rows": flat})
    if fmt == "csv":
        rows = [_csv_row(row, found.by) for row in flat]
        return render_rows(rows, list(rows[0]), "csv")
    return _over_time_table(found, flat, width)


def _point_head(each: Point, *, full: bool = True) -> dict[str, Any]:
    """Which snapshot a point is; with `full`, its members and how many values are guessed."""
    head: dict[str, Any] = {
        "snapshot_id": each.snapshot_id,
        "captured_at": utc_text(each.captured_at),
        "origin": each.origin,
    }
    if full:
        members, inferred = each.stats.total.members, each.inferred_members
        head |= {"members": members, "inferred": inferred}
        head["inferred_percent"] = percent(inferred, members)
    return head


def _csv_row(row: dict[str, Any], by: str) -> dict[str, Any]:
    flat = {by if key == "value" else key: value for key, value in row.items() if key != "tiers"}
    if by == "tier":
        flat[by] = tier_name(flat[by])
    for tier, cell in row["tiers"].items():
        flat[tier_name(tier)] = cell["members"]
        flat[f"{tier_name(tier)} percent"] = cell["percent"]
    return flat


def _over_time_table(found: Composition, flat: list[dict[str, Any]], width: int | None) -> str:
    first, last = found.points[0], found.points[-1]
    caption = (
        f"Members by {found.by} over time, from snapshot {first.snapshot_id} "
        f"({first.captured_at:%Y-%m-%d}) to snapshot {last.snapshot_id} "
        f"({last.captured_at:%Y-%m-%d}): {EVERY_TEXT[found.every]}\n"
    )
    heads = []
    for each in found.points:
        head = {"point": each.label, **_point_head(each)}
        head["inferred"] = _cell(head["inferred"], head.pop("inferred_percent"))
        heads.append(head)
    parts = [caption + render_rows(heads, POINT_COLUMNS, "table", width=width)]
    if found.by != "tier":
        parts[0] += (
            f"inferred: members whose {found.by} is guessed from their name, not annotated\n"
        )
    blocks = [("", "All members (% of the point's members)")]
    if found.by != "tier":
        blocks += [(t, f"{tier_name(t)} members (% of the tier's)") for t in found.tiers]
    by_value: dict[str, list[dict[str, Any]]] = {}
    for row in flat:
        by_value.setdefault(row["value"], []).append(row)
    columns = [found.by, *(each.label for each in found.points)]
    for tier, title in blocks:
        rows = [
            {found.by: tier_name(value) if found.by == "tier" else value}
            | {row["point"]: _matrix_cell(row, tier) for row in by_value[value]}
            for value in [*found.values, TOTAL]
        ]
        parts.append(f"{title}\n" + render_rows(rows, columns, "table", width=width))
    return "\n".join(parts)


def _matrix_cell(row: dict[str, Any], tier: str) -> str:
    """A value's members at a point, all of them (how many guessed, if any) or one tier's."""
    if tier:
        return _cell(row["tiers"][tier]["members"], row["tiers"][tier]["percent"])
    guessed = f", {row['inferred']} inferred" if row["inferred"] and row["value"] != TOTAL else ""
    return _cell(row["members"], row["percent"], guessed)


def _cell(count: int, share: float | None, more: str = "") -> str:
    return f"{count} ({share:.1f}%{more})" if share is not None else "-"


def history_text(
    found: Timeline, fmt: str, width: int | None = None, *, explain: bool = False
) -> str:
    """`tracker history`: the member's events, headed by what annotations say of it (with
    `explain`, every value and its origin) and its first and last sighting."""
    if fmt == "json":
        note = found.annotation.facts() if found.annotation else None
        return render_json(as_dict(found, exclude={"annotation"}) | {"annotation": note})
    rows: list[dict[str, Any]] = [as_dict(event) for event in found.events]
    head = ""
    if fmt == "table":
        state = "still listed" if found.current else "no longer listed"
        head = (
            f"{found.name}  (key {found.key})\n"
            f"{_annotation_line(found.annotation)}"
            f"{_explained_lines(found.annotation) if explain else ''}"
            f"first seen: snapshot {found.first_seen.snapshot_id}  {found.first_seen.at}\n"
            f"last seen:  snapshot {found.last_seen.snapshot_id}  {found.last_seen.at}  ({state})\n"
            "\n"
        )
    return head + render_rows(rows, HISTORY_COLUMNS, fmt, width=width)


def _annotation_line(note: Annotation | None) -> str:
    """ "annotated:  Xinghe AI · Industry · Beijing  (annotated as <former name>)", or nothing."""
    if note is None:
        return ""
    guessed = note.inferred(("type", "city"))
    places = [_marked_value(note, f, f in guessed) for f in ("type", "city")]
    facts = [note.common_name_en or note.name_en_mt, *places]
    text = " · ".join(fact for fact in facts if fact) or "(no English name, type or city)"
    carried = f"  (annotated as {note.annotated_as})" if note.annotated_as else ""
    footnote = f"  ({INFERRED_FOOTNOTE})" if guessed else ""
    return f"annotated:  {text}{carried}{footnote}\n"


def _marked_value(note: Annotation, field: str, inferred: bool) -> str | None:
    value = getattr(note, field)
    return f"{value}{INFERRED_MARK}" if value is not None and inferred else value
