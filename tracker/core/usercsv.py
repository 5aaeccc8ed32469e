"""A person's own annotations as a CSV (`tracker annotate import` / `export`): read, checked.

Columns: `key` or `name` (a name is normalised to its key, as listings are; a key given
wins), and any annotation field by its name (`type`, `city`, `state_owned`...) or by CSET's
header (`Type`, `Location (City-level)`...), so a sheet shaped like CSET's list reads too.
A listing's `tier` and CSET's tier and order columns are ignored (they describe a listing,
not an organisation), as are the `*_inferred` columns `export` writes: a guess imported
back would read as a person's word.

A row sets the fields it fills for its key. A blank cell says nothing (an import keeps
what was stored); `-` (or CSET's `n/a`) says "no value" and clears it. Values are checked
where reports group by them, so a typo never becomes a bar of its own: `type` is one of
CSET's types, `province` and `city` are the gazetteer's (pinyin as CSET writes it, any
case), a city lies in the province given; flags are yes/no (also true/false, 1/0); no value
holds a line break or control character, and no row has more cells than the header. Every
problem is collected, one line each with the file, line and value, so one run lists them
all (an unknown column is one problem, and the rows are still checked without it).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tracker.core.annotations import Annotation
from tracker.core.cset import FIELDS, NAME, ORDER, TIER, clean_cell, csv_records
from tracker.core.errors import BaselineError
from tracker.core.fields import FLAG_FIELDS, USER_ORIGIN
from tracker.core.gazetteer import gazetteer
from tracker.core.infer import ACADEMIA, GOVERNMENT, INDUSTRY
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
# CSET's 2020 types: the bars of `stats --by type`.
TYPES = (ACADEMIA, GOVERNMENT, INDUSTRY, "Other/unknown")
# A cell saying "no value": it clears what an earlier import stored.
CLEARED = frozenset({"-", "n/a"})


@dataclass(frozen=True)
class UserRow:
    """One filled row: its line, the key it annotates, the name it gave, its values."""

    line: int
    key: str
    name: str | None
    values: dict[str, Any] = field(default_factory=dict)
    cleared: frozenset[str] = frozenset()

    def over(self, stored: Annotation | None, listed_name: str | None) -> Annotation | None:
        """The row set over the key's `stored` annotation, as one of origin `user` named as
        written, as stored or as listed; None when no value is left."""
        kept = {f: getattr(stored, f) for f in FILLED} if stored else {}
        values = {f: v for f, v in (kept | self.values).items() if v is not None}
        values = {f: v for f, v in values.items() if f not in self.cleared}
        if not values:
            return None
        name = self.name or (stored.name if stored else None) or listed_name or self.key
        return Annotation(key=self.key, origin=USER_ORIGIN, name=name, **values)

    def place_problem(self, note: Annotation, source: str) -> str | None:
        """What is wrong with `note`'s province and city together (the row's over the
        stored ones), or None: a city must lie in the province given."""
        province, city = note.province, note.city
        if province is None or city is None or not {"province", "city"} & set(self.values):
            return None
        within = gazetteer().cities.get(city)
        if within is None or province in within:
            return None  # a city stored before the gazetteer checked it is left alone
        problem = (
            f"{source}: line {self.line}: city {city!r} is in {' or '.join(sorted(within))}, "
            f"not in province {province!r}"
        )
        earlier = next((f for f in ("province", "city") if f not in self.values), None)
        if earlier is not None:
            problem += f" (the {earlier} was stored before; give both, or clear it with -)"
        return problem


def read_user_csv(content: bytes, source: str) -> tuple[list[UserRow], list[str]]:
    """The filled rows of a user's CSV and every problem found (empty when none).

    Rows with no value to store (an unfilled line of an exported sheet) are skipped."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [f"{source}: not UTF-8 (byte {exc.start}); save the sheet as CSV UTF-8"]
    try:
        records = list(csv_records(text, source))
    except BaselineError as exc:  # a quote never closed, and the like: one line saying where
        return [], [str(exc)]
    if not records:
        return [], [f"{source}: empty file: a header row naming a key or name column is needed"]
    header, problems = _header(records[0][1], source)
    if not {"key", "name"} & set(header):
        return [], problems
    rows: list[UserRow] = []
    seen: dict[str, int] = {}
    for line, cells in records[1:]:
        if any(cell.strip() for cell in cells[len(header) :]):
            problems.append(
                f"{source}: line {line}: {len(cells)} cells, but the header names "
                f"{len(header)} (a value with a comma needs quotes)"
            )
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
    """The row's key, values and cleared fields (None when it says nothing); its problems
    appended."""
    where = f"{source}: line {line}:"
    given = {f: text for f, v in cells.items() if f and (text := v.strip())}
    for column, text in given.items():
        if control := next((c for c in text if unicodedata.category(c)[0] == "C"), None):
            problems.append(
                f"{where} {column} {text!r} holds a line break or control character "
                f"(U+{ord(control):04X}); a value is one line"
            )
    cleared = frozenset(f for f, text in given.items() if text.casefold() in CLEARED)
    values: dict[str, Any] = {}
    for column, text in given.items():
        if column in _IDS or column in cleared:
            continue
        value, problem = _value(column, clean_cell(text) or text)
        if problem:
            problems.append(f"{where} {column} {text!r} {problem}")
        values[column] = value
    if not values and not cleared - set(_IDS):
        return None
    key, written = clean_cell(cells.get("key")), clean_cell(cells.get("name"))
    name = clean_display(written) if written is not None else None
    if key is None and name is None:
        problems.append(f"{where} no key or name for the values given")
        return None
    # A key is a name normalised: a name pasted as a key finds its member all the same.
    return UserRow(line, normalize_key(key or name or ""), name, values, cleared - set(_IDS))


def _value(column: str, text: str) -> tuple[Any, str | None]:
    """A cell's value as stored, and what is wrong with it (None when nothing is)."""
    if column in FLAG_FIELDS:
        flag = _FLAGS.get(text.casefold())
        return flag, None if flag is not None else "is not yes or no"
    if column == "type":
        kind = next((t for t in TYPES if t.casefold() == text.casefold()), None)
        return kind, None if kind is not None else f"is not one of {', '.join(TYPES)}"
    if column == "province":
        return _province(text)
    if column == "city":
        return _city(text)
    return text, None


def _province(text: str) -> tuple[str | None, str | None]:
    places = gazetteer()
    if (province := places.province_named(text)) is not None:
        return province, None
    if (city := places.city_named(text)) is not None:
        return None, f"is a city (of {' or '.join(sorted(places.cities[city]))}), not a province"
    listed = ", ".join(sorted(places.provinces))
    return None, f"is not a province{_near(text, places.provinces)}; one of {listed}"


def _city(text: str) -> tuple[str | None, str | None]:
    places = gazetteer()
    if (city := places.city_named(text)) is not None:
        return city, None
    if places.province_named(text) is not None:
        return None, "is a province, not a city (put it in province)"
    return None, (
        f"is not a prefecture-level city the gazetteer knows{_near(text, places.cities)}; give "
        "one in pinyin as CSET writes it, and any other place in location"
    )


def _near(text: str, spellings: Iterable[str]) -> str:
    close = difflib.get_close_matches(text, sorted(spellings), n=2, cutoff=0.8)
    return f" (did you mean {' or '.join(close)}?)" if close else ""
