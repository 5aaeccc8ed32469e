"""The tracker's one JSON layout: one record per line, easy to read, grep and diff.

Reports, row listings, webhook bodies and feed files all print JSON this way, so it lives in
the core where every layer can reach it.
"""

from __future__ import annotations

import json
from itertools import chain
from typing import Any

import msgspec

# Objects this shallow are opened up, one field per line; a list's items are records, each
# on one line; anything deeper stays on its line.
_JSON_OPEN_DEPTH = 2


def render_json(data: Any) -> str:
    """JSON with one record per line: easy to read, grep and diff.

    json.dumps(indent=...) falls back to the pure-Python encoder, five times slower on a
    diff of thousands of members; laying out the outer levels here keeps every record on
    json's C encoder, or on msgspec's where that writes the same text (`_flat_records`).
    """
    return _json(data, 0) + "\n"


def _json(value: Any, depth: int) -> str:
    if depth >= _JSON_OPEN_DEPTH or not isinstance(value, dict | list) or not value:
        return _compact(value)
    pad = "  " * (depth + 1)
    if isinstance(value, list):
        lines = _flat_records(value, pad) or ",\n".join(pad + _compact(v) for v in value)
        return "[\n" + lines + "\n" + pad[2:] + "]"
    fields = (f"{pad}{_compact(str(k))}: {_json(v, depth + 1)}" for k, v in value.items())
    return "{\n" + ",\n".join(fields) + "\n" + pad[2:] + "}"


# One encoder for every record: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def _compact(value: Any) -> str:
    return _ENCODER.encode(value)


# msgspec writes a string, an int, true, false and null exactly as json does with
# ensure_ascii=False (every code point is checked by tests/test_jsontext.py), and its
# `format(indent=0)` spaces separators as json does (", " and ": "), strings untouched:
# five times faster. Floats it may write otherwise; other types json gives to `str`.
_MSGSPEC = msgspec.json.Encoder()
_SCALARS = frozenset((str, int, bool, type(None)))


def _flat_records(items: list[Any], pad: str) -> str | None:
    """The items, one a line after `pad`, as `_compact` writes them, when every item is a
    dict of strings to scalars (a members listing, a diff's section): written by msgspec.
    None when some item is of another kind, or a string holds what parts two items."""
    if not all(type(item) is dict for item in items):
        return None
    values = chain.from_iterable(map(dict.values, items))
    # The distinct keys (a few dozen over thousands of rows; 10 M instructions fewer than
    # every key's type) must be str: a key hidden there by an equal str is of a str
    # subclass, which both encoders write as its text (unless a class was made to pretend).
    keys = set().union(*items)
    if not _SCALARS.issuperset(map(type, values)) or not all(type(k) is str for k in keys):
        return None
    try:
        spaced = msgspec.json.format(_MSGSPEC.encode(items), indent=0)
    except UnicodeEncodeError:  # a lone surrogate, which json writes as it is
        return None
    # Items hold no records, so "}, {" parts two of them, unless a string holds it too.
    if spaced.count(b"}, {") != len(items) - 1:
        return None
    return pad + spaced[1:-1].replace(b"}, {", b"},\n" + pad.encode() + b"{").decode()
