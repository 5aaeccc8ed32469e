"""Rows out: aligned tables for people, JSON for scripts, CSV safe for spreadsheets."""

from __future__ import annotations

import csv
import io
import itertools
import operator
import sys
from collections.abc import Callable, Collection, Sequence
from typing import Any

from tracker.core.jsontext import render_json

FORMATS = ("table", "json", "csv")

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# The East Asian Wide and Fullwidth blocks (Hangul Jamo, CJK punctuation, kana, CJK
# ideographs, Hangul syllables, compatibility ideographs, fullwidth forms), first and last
# code point: a per-character unicodedata lookup made long tables of names slow to print.
# (Wide emoji and symbols outside these blocks count as one column: a table may then
# misalign.)
_WIDE_BLOCKS = (
    (0x1100, 0x115F),
    (0x2E80, 0x303E),
    (0x3041, 0x33FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xA000, 0xA4CF),
    (0xAC00, 0xD7A3),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFF60),
    (0xFFE0, 0xFFE6),
    (0x20000, 0x3FFFD),
)


# The 256-code-point pages of the Basic Multilingual Plane that lie wholly in a wide block
# (as bytes: the high byte of each of their characters in UTF-16).
_WIDE_PAGES = bytes(
    page
    for first, last in _WIDE_BLOCKS
    if last < 0x10000
    for page in range((first + 255) >> 8, (last + 1) >> 8)
)


# Each character's high byte in UTF-16 (native order, after the byte order mark): "utf-16"
# encodes several times faster than "utf-16-le", whose codec is looked up by name each time.
_HIGH_BYTES = slice(3, None, 2) if sys.byteorder == "little" else slice(2, None, 2)


def _is_wide(char: str) -> bool:
    return any(first <= ord(char) <= last for first, last in _WIDE_BLOCKS)


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return display_widths((text,))[text]


def display_widths(texts: Collection[str]) -> dict[str, int]:
    """`display_width` of each of `texts`, with no Python step per character and few per
    text: a diff's table has thousands of names. An ASCII text is its length; a text wholly
    in wide pages (read off the high bytes of its UTF-16 form: most Chinese names) twice
    it. Only the rest are read character by character, against the few distinct characters
    they hold, each classified once. (A regex class of the narrow ranges cost 23 M
    instructions to compile, re's compiler walking every code point of a range below
    U+10000; min() and max() of each text, or a Python loop over them, cost more.)"""
    widths = dict(zip(texts, map(len, texts), strict=True))
    others = list(itertools.filterfalse(str.isascii, widths))
    if not others:
        return widths
    # (A lone surrogate is kept, and read as narrow with the rest.)
    utf16 = map(str.encode, others, itertools.repeat("utf-16"), itertools.repeat("surrogatepass"))
    high = map(operator.itemgetter(_HIGH_BYTES), utf16)
    # Each text's high bytes but its wide pages': none when every character is wide.
    left = list(map(bytes.strip, high, itertools.repeat(_WIDE_PAGES)))
    widths.update(
        {text: 2 * len(text) for text in itertools.compress(others, map(operator.not_, left))}
    )
    rest = list(itertools.compress(others, left))
    if rest:
        wide = set(filter(_is_wide, set().union(*rest)))
        widths.update({text: len(text) + sum(map(wide.__contains__, text)) for text in rest})
    return widths


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def render_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], *, width: int | None = None
) -> str:
    """Aligned columns; with `width`, cut to fit it (clipped cells, then hidden columns)."""
    return render_columns([_values(rows, column) for column in columns], columns, width=width)


def render_columns(
    cells: Sequence[list[Any]], columns: Sequence[str], *, width: int | None = None
) -> str:
    """`render_table` of rows given column by column: `cells[i]` holds column i's cells,
    top to bottom."""
    measured = _measured_columns(cells)
    widths = [
        max(display_width(c), *texts.values()) if texts else display_width(c)
        for c, (_, texts) in zip(columns, measured, strict=True)
    ]
    kept = {0} | {i for i, c in enumerate(columns) if c in UNCUT}
    fitted = widths if width is None else fit_widths(widths, _floors(columns, widths), width, kept)
    shown = [i for i, w in enumerate(fitted) if w]
    # Each distinct text of a column is clipped and padded once, and each line joined in C.
    laid = []
    for i in shown:
        texts, text_widths = measured[i]
        laid.append(list(map(_laid_out(text_widths, fitted[i]).__getitem__, texts)))
    head = [columns[i] + " " * (fitted[i] - display_width(columns[i])) for i in shown]
    rule = ["-" * fitted[i] for i in shown]
    rows = len(cells[0]) if cells else 0
    body = zip(*laid, strict=True) if laid else [()] * rows
    lines = map(str.rstrip, map("  ".join, [head, rule, *body]))
    text = "\n".join(lines) + "\n"
    if fitted == widths:
        return text
    hidden = [columns[i] for i, w in enumerate(fitted) if not w]
    what = f", hiding {', '.join(hidden)}" if hidden else ""
    return text + f"(cut to {width} columns{what}: --wide shows all)\n"


# A cut column keeps at least this many terminal columns (or its header's, if wider).
MIN_CUT = 10
# Never cut nor hidden: a table is about its names, and a cut name can be mistaken for
# another; a cut time reads as another time.
UNCUT = frozenset({"name", "captured_at", "at"})
_GAP = 2


def _floors(columns: Sequence[str], natural: list[int]) -> list[int]:
    return [
        n if c in UNCUT else min(n, max(display_width(c), MIN_CUT))
        for c, n in zip(columns, natural, strict=True)
    ]


def _span(widths: list[int]) -> int:
    shown = [w for w in widths if w]
    return sum(shown) + _GAP * (len(shown) - 1)


def fit_widths(
    natural: list[int], floors: list[int], width: int, kept: Collection[int] = (0,)
) -> list[int]:
    """Column widths within `width`: the rightmost columns not `kept` hidden (0) while even
    the floors of those shown cannot fit, then the widest cut first, none below its floor.
    Kept columns always show: a table too narrow for them is wider than `width`."""
    fitted = list(natural)
    for i in reversed(range(len(fitted))):
        if _span([f if w else 0 for f, w in zip(floors, fitted, strict=True)]) <= width:
            break
        if i not in kept:
            fitted[i] = 0
    while _span(fitted) > width:
        cuttable = [i for i, w in enumerate(fitted) if w > floors[i]]
        if not cuttable:
            break
        fitted[max(cuttable, key=lambda i: fitted[i])] -= 1
    return fitted


def clip(text: str, width: int) -> str:
    """The text cut to `width` terminal columns, an ellipsis marking the cut."""
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        used += display_width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _measured_columns(cells: Sequence[list[Any]]) -> list[tuple[list[str], dict[str, int]]]:
    """Each column's cell texts, and the width of each distinct one: a text repeated down a
    column (a tier, a type, a city) is measured once. No call per cell: a diff table has
    tens of thousands."""
    measured = []
    for values in cells:
        texts = _texts(values)
        measured.append((texts, display_widths(set(texts))))
    return measured


def _values(rows: Sequence[dict[str, Any]], column: str) -> list[Any]:
    return list(map(operator.methodcaller("get", column), rows))


def _texts(values: list[Any]) -> list[str]:
    """Cells as text (`_cell`): most are strings already, or empty."""
    if {str}.issuperset(map(type, values)):
        return values
    return [v if type(v) is str else "" if v is None else _cell(v) for v in values]


def _laid_out(widths: dict[str, int], width: int) -> dict[str, str]:
    """Each distinct text of a column as its cell shows it: clipped to `width` (rarely),
    padded to it."""
    return {
        text: text + " " * (width - measured) if measured <= width else _clipped(text, width)
        for text, measured in widths.items()
    }


def _clipped(text: str, width: int) -> str:
    text = clip(text, width)
    return text + " " * (width - display_width(text))


def spreadsheet_safe(value: str) -> str:
    """Neutralise formula injection: a leading quote makes the cell plain text."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def render_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    safe = []
    # Column by column, each distinct text made safe once: a diff has 150,000 cells, most
    # of them a tier, a type, an origin or empty.
    for column in columns:
        texts = _texts(_values(rows, column))
        safe.append(list(map({t: spreadsheet_safe(t) for t in set(texts)}.__getitem__, texts)))
    writer.writerows(zip(*safe, strict=True) if safe else [()] * len(rows))
    return buffer.getvalue()


def escaped_once(escape: Callable[[Any], str]) -> Callable[[Any], str]:
    """`escape`, each distinct text escaped once: a tier, a change, a type or a city repeats
    down a table of thousands of rows."""
    done: dict[str, str] = {}

    def escaped(value: Any) -> str:
        if type(value) is not str:
            return escape(value)
        text = done.get(value)
        if text is None:
            text = done[value] = escape(value)
        return text

    return escaped


def render_rows(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, *, width: int | None = None
) -> str:
    """JSON and CSV carry every column in full; a table fits `width` when given."""
    if fmt == "json":
        return render_json(list(rows))
    if fmt == "csv":
        return render_csv(rows, columns)
    return render_table(rows, columns, width=width)
