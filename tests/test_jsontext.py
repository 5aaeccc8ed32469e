"""`render_json` writes what json's encoder writes, whichever encoder wrote each record.

Records of plain values go through msgspec (`_flat_records`), which writes separators with
no space after them; the layout must stay byte for byte json's (`ensure_ascii=False`,
", " and ": "), or fall back to it."""

import json
import sys
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import msgspec
import pytest

from tracker.core.jsontext import render_joined, render_json


def _by_json(data: Any, pad: str = "  ") -> str:
    """The layout `render_json` promises for a list, written by json alone."""
    encoder = json.JSONEncoder(ensure_ascii=False, default=str)
    lines = ",\n".join(pad + encoder.encode(item) for item in data)
    return f"[\n{lines}\n{pad[2:]}]"


def test_every_code_point_is_written_as_json_writes_it() -> None:
    # The fast path rests on this: msgspec escapes (or not) each character as json does, and
    # its spacing leaves strings as they are.
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(chars), 4096):
        text = "".join(chars[start : start + 4096])
        rows = [{text: text}, {"text": text}]
        assert render_json(rows) == _by_json(rows) + "\n"


class Colour(str, Enum):
    RED = "red"


@pytest.mark.parametrize(
    "rows",
    [
        [{"name": "星河", "n": 1, "soe": True, "city": None}, {"name": "青岚", "n": -2}],
        # Separators inside strings: the item is written by json, the others are not.
        [{"name": "a, b"}, {"url": "https://x.example"}, {"name": "plain"}],
        [{"name": "},{"}, {"name": "x"}],
        [{"name": '"}, {"'}, {"k": "\\"}, {"k": '\\",'}],
        [{"name": "tab\there", "nl": "a\nb", "ctl": "\x00\x1f\x7f", "sep": "\u2028"}],
        [{}, {"a": 1}, {}],
        [{"a": 2**70, "b": -(2**64)}],
        # Kinds msgspec writes otherwise: the whole list is json's.
        [{"score": 100.0, "x": 1e16}],
        [{"at": datetime(2024, 5, 1, tzinfo=UTC)}],
        [{"tiers": ["board"]}, {"tiers": []}],
        [{"set": {1}}],
        [{"nested": {"a": 1}}],
        [{"tuple": (1,)}],
        [{"colour": Colour.RED}],
        [{"d": Decimal("1.5")}],
        [{1: "int key"}],
        # Keys are checked as a set: one of a str subclass may hide behind an equal str.
        [{"red": 1}, {Colour.RED: 2}],
        [{Colour.RED: 1}, {"red": 2}],
        [{"a": 1}, {True: 2}, {1: 3}],
        [{"lone": "\ud800"}],
        ["a", "b"],
        [[1, 2], {"a": 1}],
    ],
)
def test_records_are_written_as_json_writes_them(rows: list[Any]) -> None:
    assert render_json(rows) == _by_json(rows) + "\n"


def test_a_members_listing_of_thousands_is_written_as_json_writes_it() -> None:
    rows = [
        {"tier": "member", "position": i, "name": f"星河{i}号", "state_owned": i % 3 == 0}
        | ({"website": f"https://{i}.example, see notes"} if i % 97 == 0 else {})
        for i in range(3000)
    ]
    assert render_json(rows) == _by_json(rows) + "\n"
    assert render_json({"joined": rows}) == f'{{\n  "joined": {_by_json(rows, "    ")}\n}}\n'


class Head(msgspec.Struct, frozen=True):
    tier: Any
    name: Any


class Sparse(msgspec.Struct, omit_defaults=True):
    name: str
    city: str | None = None


_SHARED = {"type": "Industry", "city_source": "inferred"}


@pytest.mark.parametrize(
    ("heads", "tails", "fast"),
    [
        ([Head("board", "星河"), Head("member", "青岚")], [_SHARED, _SHARED], True),
        ([Head("board", "星河"), Head("member", "a, b")], [{}, {"soe": True, "n": None}], True),
        ([Head("x", 1)], [{}], True),
        # Written by json, as render_json writes them: a separator or a lone surrogate in a
        # string, a value msgspec writes otherwise, a tail key a head has, heads msgspec
        # writes otherwise than as their fields or of several types.
        ([Head("board", '"}, {"'), Head("m", "x")], [_SHARED, {}], False),
        ([Head("board", "x")], [{"note": "}, {"}], False),
        ([Head("board", "\ud800")], [_SHARED], False),
        ([Head("board", 1.0)], [{}], False),
        ([Head("board", "x")], [{"extra": {"soe": "Partially"}}], False),
        ([Head("board", "x")], [{"name": "other"}], False),
        ([Sparse("星河"), Sparse("青岚", "Beijing")], [{}, {}], False),
        ([Head("board", "x"), Sparse("y")], [{}, {}], False),
    ],
)
def test_records_joined_to_their_tails_are_written_as_json_writes_the_rows(
    heads: list[Any], tails: list[dict[str, Any]], fast: bool
) -> None:
    rows = [msgspec.structs.asdict(h) | t for h, t in zip(heads, tails, strict=True)]
    joined = render_joined(heads, tails)
    assert (joined is not None) == fast
    assert joined is None or joined == render_json(rows)
