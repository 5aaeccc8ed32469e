"""Rows out: aligned tables for people, JSON for scripts, CSV safe for spreadsheets."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

from tracker.core.jsontext import render_json

FORMATS = ("table", "json", "csv")

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# The East Asian Wide and Fullwidth blocks (Hangul Jamo, CJK punctuation, kana, CJK
# ideographs, Hangul syllables, compatibility ideographs, fullwidth forms), as one pattern:
# a per-character unicodedata lookup made long tables of names slow to print. (Wide emoji
# and symbols outside these blocks count as one column: a table may then misalign.)
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U00020000-\U0003fffd]"
)


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return len(text) if text.isascii() else len(text) + len(_WIDE.findall(text))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# A cell's text and its width in terminal columns, measured once.
_Cell = tuple[str, int]


def render_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    header = [(c, display_width(c)) for c in columns]
    cells = [[_measured(_cell(row.get(c))) for c in columns] for row in rows]
    widths = [max(width for _, width in column) for column in zip(header, *cells, strict=True)]
    rule = [("-" * w, w) for w in widths]
    return "\n".join(_line(r, widths) for r in [header, rule, *cells]) + "\n"


def _measured(text: str) -> _Cell:
    return text, display_width(text)


def _line(cells: list[_Cell], widths: list[int]) -> str:
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


def render_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> str:
    if fmt == "json":
        return render_json(list(rows))
    if fmt == "csv":
        return render_csv(rows, columns)
    return render_table(rows, columns)
