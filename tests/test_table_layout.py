"""Tables laid out text by text (each distinct text clipped and padded once) read as
when every cell was laid out on its own; CSV written column by column as row by row."""

import csv
import io
import random
from typing import Any

import pytest

from tracker.render.table import (
    _WIDE_BLOCKS,
    _cell,
    clip,
    display_width,
    display_widths,
    fit_widths,
    render_csv,
    render_table,
    spreadsheet_safe,
)

COLUMNS = ["name", "tier", "type", "soe", "n", "english"]
_VALUES: list[Any] = [None, "", "Beijing", "星河智能", "=SUM(A1)", "-1", True, False, 0, 1, 2.5]
# Long enough to be clipped rather than hidden when a table is cut.
_LONG = ["Qinglan Data Technology Co., Ltd.", "北京市海淀区中关村大街二十七号", "ab cd ef gh ij"]


def _table(rows: list[dict[str, Any]], columns: list[str], width: int | None) -> str:
    """The layout cell by cell."""
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [
        max([display_width(c), *(display_width(r[i]) for r in cells)])
        for i, c in enumerate(columns)
    ]
    if width is None:
        fitted = widths
    else:
        floors = [
            n if c == "name" else min(n, max(display_width(c), 10))
            for c, n in zip(columns, widths, strict=True)
        ]
        fitted = fit_widths(widths, floors, width, {0})
    shown = [i for i, w in enumerate(fitted) if w]

    def line(texts: list[str]) -> str:
        laid = []
        for i, text in zip(shown, texts, strict=True):
            text = clip(text, fitted[i]) if display_width(text) > fitted[i] else text
            laid.append(text + " " * (fitted[i] - display_width(text)))
        return "  ".join(laid).rstrip()

    lines = [line([columns[i] for i in shown]), "  ".join("-" * fitted[i] for i in shown)]
    lines += [line([r[i] for i in shown]) for r in cells]
    return "\n".join(lines) + "\n"


def _rows(seed: int) -> list[dict[str, Any]]:
    pick = random.Random(seed)
    names = ["青岚数据（北京）有限公司", "Donghu University", "东湖大学", "ab", "星河 "]
    return [
        {"name": pick.choice(names) + str(pick.randrange(3))}
        | {c: pick.choice(_VALUES + _LONG) for c in COLUMNS[1:] if pick.random() < 0.9}
        for _ in range(40)
    ]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("width", [None, 200, 60, 40, 20])
def test_a_table_reads_as_laid_out_cell_by_cell(seed: int, width: int | None) -> None:
    rows = _rows(seed)
    table = render_table(rows, COLUMNS, width=width)
    assert table.startswith(_table(rows, COLUMNS, width))
    assert table == _table(rows, COLUMNS, width) or "(cut to" in table.splitlines()[-1]


def _width_by_character(text: str) -> int:
    return sum(2 if any(a <= ord(c) <= b for a, b in _WIDE_BLOCKS) else 1 for c in text)


# Each wide block's edges and their neighbours outside it, and ASCII.
_EDGES = [chr(e + d) for block in _WIDE_BLOCKS for e in block for d in (-1, 0, 1)] + ["a", "~"]


@pytest.mark.parametrize("seed", range(6))
def test_widths_read_as_character_by_character(seed: int) -> None:
    """Whole texts measured at once (ASCII, within one wide block, mixed) read as each
    character measured on its own: a block's edges inside a Chinese name, alone, mixed."""
    pick = random.Random(seed)
    texts = [
        *_EDGES,
        *("星河" + c + "智能" for c in _EDGES),
        *("".join(pick.choices(_EDGES + ["星", "青"], k=pick.randrange(1, 9))) for _ in range(300)),
    ]
    assert display_widths(texts) == {t: _width_by_character(t) for t in texts}
    assert [display_width(t) for t in texts] == list(map(_width_by_character, texts))


@pytest.mark.parametrize("seed", range(6))
def test_csv_is_written_as_row_by_row(seed: int) -> None:
    rows = _rows(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([spreadsheet_safe(_cell(row.get(c))) for c in COLUMNS] for row in rows)
    assert render_csv(rows, COLUMNS) == buffer.getvalue()
