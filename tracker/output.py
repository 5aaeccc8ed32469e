"""Rows out: aligned tables for people, JSON for scripts, CSV safe for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from typing import Any

FORMATS = ("table", "json", "csv")

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def render_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [
        max([display_width(c)] + [display_width(r[i]) for r in cells])
        for i, c in enumerate(columns)
    ]
    lines = [_line(list(columns), widths), _line(["-" * w for w in widths], widths)]
    lines += [_line(r, widths) for r in cells]
    return "\n".join(lines) + "\n"


def _line(cells: list[str], widths: list[int]) -> str:
    padded = [c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=True)]
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


# Objects this shallow are opened up, one field per line; a list's items are records, each
# on one line; anything deeper stays on its line.
_JSON_OPEN_DEPTH = 2


def render_json(data: Any) -> str:
    """JSON with one record per line: easy to read, grep and diff.

    json.dumps(indent=...) falls back to the pure-Python encoder, five times slower on a
    diff of thousands of members; laying out the outer levels here keeps every record on
    json's C encoder.
    """
    return _json(data, 0) + "\n"


def _json(value: Any, depth: int) -> str:
    if depth >= _JSON_OPEN_DEPTH or not isinstance(value, dict | list) or not value:
        return _compact(value)
    pad = "  " * (depth + 1)
    if isinstance(value, list):
        return "[\n" + ",\n".join(pad + _compact(v) for v in value) + "\n" + pad[2:] + "]"
    fields = (f"{pad}{_compact(str(k))}: {_json(v, depth + 1)}" for k, v in value.items())
    return "{\n" + ",\n".join(fields) + "\n" + pad[2:] + "}"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def render_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> str:
    if fmt == "json":
        return render_json(list(rows))
    if fmt == "csv":
        return render_csv(rows, columns)
    return render_table(rows, columns)
