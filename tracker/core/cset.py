"""Reading CSET's annotated March 2020 member list: bytes in, listings and annotations out.

CSET's CSV (Luong and Arnold, 2021) is the reference every report starts from. The file is
real and messy: two header rows, quoted newlines, `n/a`, trailing spaces, case variants of
one category and organisations listed twice. Pure: `tracker.app.baseline` stores the result.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tracker.core.annotations import Annotation
from tracker.core.credit import CSET_ORIGIN
from tracker.core.errors import BaselineError
from tracker.core.fields import FLAG_FIELDS
from tracker.core.models import OTHER_TIER, Listing, tier_for_label, tier_rank
from tracker.core.normalize import clean_display, normalize_key

ANNOTATION_ORIGIN = CSET_ORIGIN
PARSER_VERSION = "cset-csv-1"

NAME, TIER, ORDER = "Name (ZH)", "Tier (ZH)", "Original order within tier"
# CSET header -> annotation field. Tier and order describe a listing, not an organisation.
FIELDS: dict[str, str] = {
    NAME: "name",
    "Name (EN MT)": "name_en_mt",
    "Common name (EN)": "common_name_en",
    "Common name (ZH)": "common_name_zh",
    "Type": "type",
    "Website": "website",
    "Crunchbase URL": "crunchbase_url",
    "Location (City, Province)": "location",
    "Location (City-level)": "city",
    "Location (Provincial Level)": "province",
    "Estimated Size": "size",
    "Estimated Focus": "focus",
    "Industry Affiliations": "industry",
    "AI Product/Service Category": "ai_category",
    "Key products": "key_products",
    "State-owned?": "state_owned",
    "Not Chinese": "not_chinese",
    "Public company": "public_company",
    "Exchange": "exchange",
    "Ticker": "ticker",
    "Notes": "notes",
}
# Redundant with the tier id, so not kept; every other column is.
_DERIVED = frozenset({"Tier (EN)"})
REQUIRED = (NAME, TIER, ORDER, *FIELDS)
# Columns with a small vocabulary, where "Facial recognition" and "Facial Recognition" mean
# the same thing and are folded to one spelling.
CATEGORY_FIELDS = ("type", "size", "focus", "ai_category", "city", "province", "exchange")

_EXTRACTED = re.compile(r"Extracted\s+(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\s+from\s+(\S+)", re.I)
_FLAGS = {"yes": True, "no": False}


@dataclass(frozen=True)
class BaselineFile:
    """What CSET's CSV says: the page's listings on the extraction day, and its notes."""

    captured_at: datetime
    page_url: str
    listings: list[Listing]
    annotations: list[Annotation]


@dataclass(frozen=True)
class _Row:
    line: int
    cells: dict[str, str]


# Reading (pure) ----------------------------------------------------------------------


def read_baseline(content: bytes, source: str, *, origin: str = ANNOTATION_ORIGIN) -> BaselineFile:
    """Parse CSET's CSV bytes, or raise BaselineError naming `source` and the line/column.

    The annotations are marked as `origin`'s: CSET's unless the file is someone else's list
    in CSET's shape (the demo's invented one), which must never be credited to CSET.
    """
    records = list(csv_records(decode_csv(content, source), source))
    if not records:
        raise BaselineError(f"{source}: file is empty")
    header_at = _header_index(records, source)
    header = records[header_at][1]
    captured_at, page_url = _extracted(header, source)
    rows = _rows(records[header_at + 1 :], _column_map(header, source))
    if not rows:
        raise BaselineError(f"{source}: no member rows after the header")
    ordered = sorted(((_listing(row, source, len(rows)), row) for row in rows), key=_page_order)
    _check_positions(ordered, source)
    return BaselineFile(
        captured_at=captured_at,
        page_url=page_url,
        listings=[listing for listing, _ in ordered],
        annotations=_annotations(ordered, origin),
    )


def decode_csv(content: bytes, source: str) -> str:
    """Strict UTF-8 (a BOM is allowed): CSET publishes UTF-8, anything else is a wrong file."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BaselineError(
            f"{source}: not UTF-8 (byte {exc.start}: {content[exc.start : exc.start + 2]!r}); "
            "CSET's CSV is UTF-8, is this the right file?"
        ) from None


def csv_records(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on (quoted fields span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise BaselineError(f"{source}: line {reader.line_num}: malformed CSV: {exc}") from None


def _header_index(records: list[tuple[int, list[str]]], source: str) -> int:
    # A group row ("For all members,…") comes first in CSET's file; look a few rows in.
    for index, (_, cells) in enumerate(records[:5]):
        if NAME in (cell.strip() for cell in cells):
            return index
    raise BaselineError(f"{source}: no header row with a {NAME!r} column in the first 5 rows")


def _extracted(header: list[str], source: str) -> tuple[datetime, str]:
    for cell in header:
        found = _EXTRACTED.search(cell)
        if found:
            month, day, year, url = found.groups()
            full_year = int(year) + (2000 if len(year) == 2 else 0)
            try:
                return datetime(full_year, int(month), int(day), tzinfo=UTC), url
            except ValueError as exc:
                raise BaselineError(f"{source}: {found.group(0)!r} is not a date: {exc}") from None
    raise BaselineError(
        f"{source}: no 'Extracted M/D/YY from URL' cell in the header row: the date of the "
        "list is unknown"
    )


def _column_map(header: list[str], source: str) -> list[str]:
    """The name of each column, by position; unnamed columns are named by position."""
    names = [cell.strip() or f"column {i + 1}" for i, cell in enumerate(header)]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        listed = ", ".join(repr(name) for name in missing)
        raise BaselineError(f"{source}: missing required column {listed}")
    return names


def _rows(records: list[tuple[int, list[str]]], columns: list[str]) -> list[_Row]:
    rows = []
    for line, cells in records:
        if any(cell.strip() for cell in cells):
            named: dict[str, str] = {}
            for name, cell in zip(columns, cells, strict=False):
                # Of two columns with one name, the first wins, as a reader would assume.
                named.setdefault(name, cell)
            rows.append(_Row(line, named))
    return rows


def _listing(row: _Row, source: str, row_count: int) -> Listing:
    where = f"{source}: line {row.line}"
    label = row.cells.get(TIER, "").strip()
    tier = tier_for_label(label)
    if tier == OTHER_TIER:
        raise BaselineError(
            f"{where}: unknown tier {label!r} in {TIER!r} "
            "(expected 副理事长单位, 理事单位 or 普通会员单位)"
        )
    name = clean_display(row.cells.get(NAME, ""))
    if not name:
        raise BaselineError(f"{where}: empty {NAME!r}")
    order = row.cells.get(ORDER, "").strip()
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses. No tier can
    # hold more places than the file has rows, which also keeps the number fit for SQLite.
    if not (order.isascii() and order.isdigit()) or not 1 <= int(order) <= row_count:
        raise BaselineError(
            f"{where}: {ORDER!r} is {order!r}, not a whole number from 1 to {row_count} "
            "(the number of rows)"
        )
    return Listing(
        tier=tier, tier_label=label, position=int(order), name=name, key=normalize_key(name)
    )


def _page_order(pair: tuple[Listing, _Row]) -> tuple[int, int]:
    return tier_rank(pair[0].tier), pair[0].position


def _check_positions(ordered: list[tuple[Listing, _Row]], source: str) -> None:
    """Two rows at one place of one tier leave the page order unknown: a wrong file."""
    # Sorting is stable, so of two rows at one place the first is the earlier line.
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if _page_order(earlier) == _page_order(later):
            listing, row = later
            raise BaselineError(
                f"{source}: line {row.line}: {ORDER!r} {listing.position} of "
                f"{listing.tier_label} is also on line {earlier[1].line}"
            )


# Annotations -------------------------------------------------------------------------


def clean_cell(value: str | None) -> str | None:
    """Trimmed text, or None for CSET's `n/a` and empty cells."""
    text = (value or "").strip()
    return None if not text or text.casefold() == "n/a" else text


def majority_spellings(values: Sequence[str | None]) -> dict[str, str]:
    """Each spelling -> the most frequent spelling among its case variants (ties: sorted first)."""
    counts = Counter(value for value in values if value is not None)
    best: dict[str, str] = {}
    for value in sorted(counts, key=lambda value: (-counts[value], value)):
        best.setdefault(value.casefold(), value)
    return {value: best[value.casefold()] for value in counts}


def _annotations(ordered: list[tuple[Listing, _Row]], origin: str) -> list[Annotation]:
    cleaned = [(listing.key, _cleaned_cells(row)) for listing, row in ordered]
    # The majority spelling is the whole file's, duplicate rows included.
    folds = _category_folds([cells for _, cells in cleaned])
    # A name listed twice keeps the row of its first listing in page order (highest tier).
    first: dict[str, dict[str, str | None]] = {}
    for key, cells in cleaned:
        first.setdefault(key, cells)
    return [_annotation(key, cells, folds, origin) for key, cells in first.items()]


def _cleaned_cells(row: _Row) -> dict[str, str | None]:
    return {
        header: clean_cell(value)
        for header, value in row.cells.items()
        if header not in (TIER, ORDER) and header not in _DERIVED
    }


def _category_folds(rows: list[dict[str, str | None]]) -> dict[str, dict[str, str]]:
    headers = {field: header for header, field in FIELDS.items()}
    return {
        field: majority_spellings([row.get(headers[field]) for row in rows])
        for field in CATEGORY_FIELDS
    }


def _annotation(
    key: str, cells: dict[str, str | None], folds: dict[str, dict[str, str]], origin: str
) -> Annotation:
    data: dict[str, Any] = {"key": key, "origin": origin}
    extra: dict[str, str] = {}
    for header, value in cells.items():
        field = FIELDS.get(header)
        if field is None:
            if value is not None:
                extra[header] = value
        elif field in FLAG_FIELDS:
            data[field] = _FLAGS.get((value or "").casefold())
            if value is not None and data[field] is None:
                extra[field] = value
        else:
            data[field] = folds.get(field, {}).get(value or "", value)
    data["name"] = clean_display(data["name"])
    return Annotation(**data, extra=extra)
