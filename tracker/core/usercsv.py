"""A person's own annotations as a CSV (`tracker annotate import` / `export`): read, checked.

Columns: `key` or `name` (a name is normalised to its key, as listings are; a key given
wins), and any
annotation field by its name (`type`, `city`, `state_owned`...) or by CSET's header
(`Type`, `Location (City-level)`...), so a sheet shaped like CSET's list reads too. A
listing's `tier` and CSET's tier and order columns are ignored (they describe a listing,
not an organisation), as are the `*_inferred` columns `export` writes: a guess imported
back would read as a person's word. Flags are yes/no (also true/false, 1/0). Every problem
is collected, one line each with the file, line and value, so one run lists them all (an
unknown column is one problem, and the rows are still checked without it).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from tracker.core.annotations import Annotation
from tracker.core.cset import FIELDS, NAME, ORDER, TIER, clean_cell
from tracker.core.fields import FLAG_FIELDS, USER_ORIGIN
from tracker.core.normalize import clean_display, normalize_key

# Every field a person can fill: the Annotation's descriptive fields, in CSET's order.
FILLED = tuple(f for f in FIELDS.values() if f != "name")
INFERRED_SUFFIX = "_inferred"
# The fields `export` shows a guess for, each in its own column beside the one to fill.
GUESSED = ("type", "province", "city")
EXPORT_COLUMNS = ("key", "name", "tier", *FILLED, *(f"{f}{INFERRED_SUFFIX}" for f in GUESSED))
_HEADERS = {f: f for f in FILLED} | {h: f for h, f in FIELDS.items() if f != "name"}
_IDS = {"key": "key", "name": "name", NAME: "name"}
_IGNORED = frozenset({"tier", TIER, ORDER, "Tier (EN)"})
_FLAGS = {"yes": True, "no": False, "true": True, "false": False, "1": True, "0": False}


@dataclass(frozen=True)
class UserRow:
    """One filled row: its line, the key it annotates, the name it gave, its values."""

    line: int
    key: str
    name: str | None
    values: dict[str, Any] = field(default_factory=dict)

    def annotation(self, listed_name: str | None) -> Annotation:
        """The row as an annotation of origin `user`, named as written or as listed."""
        name = self.name or listed_name or self.key
        return Annotation.model_validate(
            {"key": self.key, "origin": USER_ORIGIN, "name": name, **self.values}
        )


def read_user_csv(content: bytes, source: str) -> tuple[list[UserRow], list[str]]:
    """The filled rows of a user's CSV and every problem found (empty when none).

    Rows with no value to store (an unfilled line of an exported sheet) are skipped."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [f"{source}: not UTF-8 (byte {exc.start}); save the sheet as CSV UTF-8"]
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        return [], [f"{source}: empty file: a header row naming a key or name column is needed"]
    header, problems = _header(records[0], source)
    if not {"key", "name"} & set(header):
        return [], problems
    rows: list[UserRow] = []
    seen: dict[str, int] = {}
    for line, cells in enumerate(records[1:], start=2):
        row = _row(dict(zip(header, cells, strict=False)), line, source, problems)
        if row is None:
            continue
        if row.key in seen:
            problems.append(
                f"{source}: line {line}: {row.key!r} is annotated twice (also line {seen[row.key]})"
            )
        seen.setdefault(row.key, line)
        rows.append(row)
    return rows, problems


def line_of(problem: str) -> int:
    """The line a problem names, to list a file's problems in order."""
    _, _, rest = problem.partition(": line ")
    number = rest.partition(":")[0]
    return int(number) if number.isdigit() else 0


def _header(cells: list[str], source: str) -> tuple[list[str], list[str]]:
    """Each column's field ("" for one ignored), and the problems of the header row."""
    columns, problems = [], []
    for cell in cells:
        title = cell.strip()
        if title in _IGNORED or title.endswith(INFERRED_SUFFIX):
            columns.append("")
        elif (known := _IDS.get(title) or _HEADERS.get(title)) is not None:
            columns.append(known)
        else:
            problems.append(
                f"{source}: line 1: unknown column {title!r} (use key or name, and the fields "
                f"{', '.join(FILLED)}, or CSET's headers)"
            )
            columns.append("")
    if not {"key", "name"} & set(columns):
        problems.append(f"{source}: line 1: no key or name column (one is needed)")
    if len(set(filter(None, columns))) < len(list(filter(None, columns))):
        problems.append(f"{source}: line 1: a column is named twice")
    return columns, problems


def _row(cells: dict[str, str], line: int, source: str, problems: list[str]) -> UserRow | None:
    """The row's key and values (None when it fills nothing); its problems appended."""
    cleaned = {f: clean_cell(v) for f, v in cells.items() if f}
    values: dict[str, Any] = {}
    for column, value in cleaned.items():
        if value is None or column in _IDS:
            continue
        if column in FLAG_FIELDS:
            flag = _FLAGS.get(value.casefold())
            if flag is None:
                problems.append(f"{source}: line {line}: {column} {value!r} is not yes or no")
            values[column] = flag
        else:
            values[column] = value
    if not values:
        return None
    key, written = cleaned.get("key"), cleaned.get("name")
    name = clean_display(written) if written is not None else None
    if key is None and name is None:
        problems.append(f"{source}: line {line}: no key or name for the values given")
        return None
    # A key is a name normalised: a name pasted as a key finds its member all the same.
    return UserRow(line, normalize_key(key or name or ""), name, values)
