"""A table as a grid: its rows' cells by column, a cell spanning rows or columns repeated
in each (rowspan, colspan), and the text of a cell as read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from selectolax.lexbor import LexborNode

from tracker.core.parse.markup import ancestor
from tracker.core.parse.text import NON_WORD

# Most cells have neither brackets nor Latin letters: looked for first, in C.
_REMARK_HINT = re.compile("[（(A-Za-z]")
_REMARK = re.compile(r"[（(][^（()）]*[）)]|[A-Za-z]+")


def cells(row: LexborNode) -> list[LexborNode]:
    return [cell for cell in row.iter(include_text=False) if cell.tag in ("td", "th")]


def header(cell: LexborNode) -> str:
    """A cell's text as a column header: its words only ("单位名称", "序号"), without a
    remark in brackets or a gloss in Latin letters ("单位名称（全称）", "单位名称 Name")."""
    text = cell.text()
    if _REMARK_HINT.search(text):
        text = _REMARK.sub("", text)
    return NON_WORD.sub("", text)


def cell_text(cell: LexborNode) -> str:
    return " ".join(cell.text(separator=" ").split())


def enclosing_table(row: LexborNode) -> int:
    table = ancestor(row, lambda parent: parent.tag == "table")
    return 0 if table is None else table.mem_id


def grid(rows: Iterable[LexborNode]) -> Iterator[list[LexborNode]]:
    """Each row's cells by column, a cell spanning rows repeated in each (rowspan)."""
    carried: dict[int, tuple[LexborNode, int]] = {}
    for row in rows:
        yield grid_row(row, carried)


def grid_row(row: LexborNode, carried: dict[int, tuple[LexborNode, int]]) -> list[LexborNode]:
    """One row's cells by column, after the cells carried down from rows above."""
    out: list[LexborNode] = []
    row_cells = iter(cells(row))
    column = 0
    while True:
        if column in carried:
            above, left = carried[column]
            out.append(above)
            if left <= 1:
                del carried[column]
            else:
                carried[column] = (above, left - 1)
            column += 1
            continue
        cell = next(row_cells, None)
        if cell is None:
            return out
        attributes = cell.attributes  # a dict built each time it is asked for
        rows = _span(attributes.get("rowspan"))
        for _ in range(_span(attributes.get("colspan"))):
            if rows > 1:
                carried[column] = (cell, rows - 1)
            out.append(cell)
            column += 1


def _span(value: str | None) -> int:
    value = (value or "1").strip()
    return min(int(value), 1000) if value.isdigit() and int(value) > 0 else 1
