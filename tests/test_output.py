import json

import pytest

from tracker.core.jsontext import render_json
from tracker.render.table import display_width, render_table


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("board", 5),
        ("星河智能", 8),
        ("青岚（北京）", 12),
        ("ＡＢ", 4),
        ("한국", 4),
        ("A·B", 3),
        ("", 0),
    ],
)
def test_display_width_counts_wide_characters_twice(text: str, width: int) -> None:
    assert display_width(text) == width


def test_table_columns_line_up_in_terminal_columns() -> None:
    table = render_table(
        [{"name": "星河智能", "tier": "board"}, {"name": "ab", "tier": "x"}], ["name", "tier"]
    )
    assert table.splitlines() == [
        "name      tier",
        "--------  -----",
        "星河智能  board",
        "ab        x",
    ]


def test_json_puts_one_record_per_line_and_round_trips() -> None:
    data = {
        "old": {"id": 1, "counts": {"board": 2}},
        "joined": [{"name": "星河"}, {"name": "青岚"}],
        "none": [],
    }
    text = render_json(data)
    assert json.loads(text) == data
    assert '    {"name": "星河"},\n    {"name": "青岚"}\n' in text
    assert '    "counts": {"board": 2}\n' in text
