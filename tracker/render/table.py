"""Rows out: aligned tables for people, JSON for scripts, CSV safe for spreadsheets."""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Collection, Sequence
from operator import itemgetter
from typing import Any

from tracker.core.jsontext import render_json

FORMATS = ("table", "json", "csv")

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# The East Asian Wide and Fullwidth blocks (Hangul Jamo, CJK punctuation, kana, CJK
# ideographs, Hangul syllables, compatibility ideographs, fullwidth forms): a per-character
# unicodedata lookup made long tables of names slow to print. (Wide emoji and symbols
# outside these blocks count as one column: a table may then misalign.)
_WIDE_BLOCKS = (
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U00020000-\U0003fffd"
)


@functools.cache
def _narrow() -> re.Pattern[str]:
    """What is not wide: a Chinese name has none or a few such characters, so finding them is
    cheaper than finding every wide one. Compiled on first use: the class takes 6 ms to
    compile, and many tables (snapshots, timelines) are ASCII only."""
    return re.compile(f"[^{_WIDE_BLOCKS}]")


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return len(text) if text.isascii() else 2 * len(text) - len(_narrow().findall(text))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# A cell's text and its width in terminal columns, measured once.
_Cell = tuple[str, int]
_WIDTH = itemgetter(1)


def render_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], *, width: int | None = None
) -> str:
    """Aligned columns; with `width`, cut to fit it (clipped cells, then hidden columns)."""
    header = [(c, display_width(c)) for c in columns]
    cells = _measured_rows(rows, columns)
    widths = [max(map(_WIDTH, column)) for column in zip(header, *cells, strict=True)]
    kept = {0} | {i for i, c in enumerate(columns) if c in UNCUT}
    fitted = widths if width is None else fit_widths(widths, _floors(columns, widths), width, kept)
    shown = [i for i, w in enumerate(fitted) if w]
    lines: list[Sequence[_Cell]] = [
        [header[i] for i in shown],
        [("-" * fitted[i], fitted[i]) for i in shown],
    ]
    if fitted == widths and len(shown) == len(columns):
        lines += cells  # nothing cut, nothing hidden
    else:
        lines += [[_clipped(row[i], fitted[i]) for i in shown] for row in cells]
    text = "\n".join(_line(r, [fitted[i] for i in shown]) for r in lines) + "\n"
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


def _clipped(cell: _Cell, width: int) -> _Cell:
    return cell if cell[1] <= width else _measured(clip(cell[0], width))


def _measured_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> list[Sequence[_Cell]]:
    """Every cell's text and width, column by column; a text repeated down a column (a
    tier, a type, a city) is measured once. No call per cell: a diff table has tens of
    thousands."""
    if not columns:
        return [() for _ in rows]
    measured = []
    for column in columns:
        texts = [v if type(v) is str else _cell(v) for v in [row.get(column) for row in rows]]
        widths = {text: display_width(text) for text in set(texts)}
        measured.append([(text, widths[text]) for text in texts])
    return list(zip(*measured, strict=True))


def _measured(text: str) -> _Cell:
    return text, display_width(text)


def _line(cells: Sequence[_Cell], widths: list[int]) -> str:
    padded = [text + " " * (w - width) for (text, width), w in zip(cells, widths, strict=True)]
    return "  ".join(padded).rstrip()


def spreadsheet_safe(value: str) -> str:
    """Neutralise formula injection: a leading quote makes the cell plain text."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def render_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(_cell(row.get(c))) for c in columns])
    return buffer.getvalue()


def render_rows(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, *, width: int | None = None
) -> str:
    """JSON and CSV carry every column in full; a table fits `width` when given."""
    if fmt == "json":
        return render_json(list(rows))
    if fmt == "csv":
        return render_csv(rows, columns)
    return render_table(rows, columns, width=width)
